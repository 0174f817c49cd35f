import { openSession } from "./harness.mjs";
import { BUSY, startPlaying } from "./perf.mjs";
const speed = Number(process.argv[2] ?? 1), seconds = Number(process.argv[3] ?? 4);
const s = await openSession("tprof");
try {
  const { page } = s;
  await startPlaying(page, s.server.url + (process.env.HASH ?? BUSY), speed);
  const cdp = await s.context.newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  await cdp.send("Tracing.start", { categories: "disabled-by-default-v8.cpu_profiler", transferMode: "ReportEvents" });
  await page.waitForTimeout(seconds * 1000);
  await cdp.send("Tracing.end");
  await done;
  const nodes = new Map(); const counts = new Map(); let total = 0;
  for (const e of events) {
    if (e.name !== "ProfileChunk") continue;
    const d = e.args?.data?.cpuProfile; if (!d) continue;
    for (const n of d.nodes ?? []) nodes.set(`${e.id}:${n.id}`, n);
    const td = e.args.data.timeDeltas ?? [];
    (d.samples ?? []).forEach((id, i) => { const k = `${e.id}:${id}`; counts.set(k, (counts.get(k) ?? 0) + 1); total++; });
  }
  const self = new Map();
  const parents = new Map();
  for (const [k, n] of nodes) if (n.parent) parents.set(`${k.split(":")[0]}:${n.id}`, `${k.split(":")[0]}:${n.parent}`);
  const incl = new Map();
  for (const [k, c] of counts) {
    const n = nodes.get(k); if (!n) continue;
    const name = (n.callFrame.functionName || "(anon)").replace(/::h[0-9a-f]{16}$/, "").slice(0, 150);
    self.set(name, (self.get(name) ?? 0) + c);
    const seen = new Set(); let p = k;
    while (p) { const nn = nodes.get(p); if (!nn) break; const nm = (nn.callFrame.functionName || "(anon)").replace(/::h[0-9a-f]{16}$/, "").slice(0, 150); if (!seen.has(nm)) { incl.set(nm, (incl.get(nm) ?? 0) + c); seen.add(nm); } p = parents.get(p); }
  }
  console.log("samples", total);
  console.log("--- self");
  for (const [n, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 35)) console.log(`${((c / total) * 100).toFixed(1).padStart(5)}%  ${n}`);
  console.log("--- inclusive");
  for (const [n, c] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${((c / total) * 100).toFixed(1).padStart(5)}%  ${n}`);
} finally { await s.close(); }
