// A CPU profile of playing a lab (the first bench case by default), by function: where a
// frame's time goes. A tool for performance work, not a test.
//
//   node tests/e2e/profile.mjs ["#/load-balancing?run=…"] [speed] [seconds]

import { openSession } from "./harness.mjs";
import { BUSY, startPlaying } from "./perf.mjs";

const hash = process.argv[2] ?? BUSY;
const speed = Number(process.argv[3] ?? 100);
const seconds = Number(process.argv[4] ?? 5);

const s = await openSession("profile");
try {
  const { page } = s;
  await startPlaying(page, s.server.url + hash, speed);
  const cdp = await s.context.newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await page.waitForTimeout(seconds * 1000);
  const { profile } = await cdp.send("Profiler.stop");
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const counts = new Map();
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  let total = 0;
  for (const [id, c] of counts) {
    const f = byId.get(id).callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url ? f.url.split("/").pop() : ""}`.trim();
    self.set(name, (self.get(name) ?? 0) + c);
    total += c;
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30);
  for (const [name, c] of rows) console.log(`${((c / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
} finally {
  await s.close();
}
