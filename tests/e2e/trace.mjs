// Where the main thread's time goes while playing a lab, by trace event (script, style,
// layout, paint…), from Chromium's own timeline. A tool for performance work, not a test.
//
//   node tests/e2e/trace.mjs ["#/load-balancing?run=…"] [speed] [seconds]

import { openSession } from "./harness.mjs";
import { BUSY, startPlaying } from "./perf.mjs";

const hash = process.argv[2] ?? BUSY;
const speed = Number(process.argv[3] ?? 100);
const seconds = Number(process.argv[4] ?? 4);

const s = await openSession("trace");
try {
  const { page } = s;
  await startPlaying(page, s.server.url + hash, speed);
  const cdp = await s.context.newCDPSession(page);
  const events = [];
  cdp.on("Tracing.dataCollected", (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReportEvents" });
  await page.waitForTimeout(seconds * 1000);
  await cdp.send("Tracing.end");
  await done;
  // Self time of the main thread's complete events, by name (children subtracted).
  const main = events.filter((e) => e.ph === "X" && e.dur && e.name !== "RunTask" && e.name !== "ThreadControllerImpl::RunTask");
  const byThread = new Map();
  for (const e of main) {
    const k = `${e.pid}:${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  // The renderer main thread is the one with the most FunctionCall time.
  const busiest = [...byThread.values()].sort((a, b) => b.filter((e) => e.name === "FunctionCall").length - a.filter((e) => e.name === "FunctionCall").length)[0];
  busiest.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const stack = [];
  for (const e of busiest) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    if (stack.length) stack[stack.length - 1].self -= e.dur;
    const frame = { ts: e.ts, dur: e.dur, self: e.dur, name: e.name };
    stack.push(frame);
    self.set(e.name, self.get(e.name) ?? []);
    self.get(e.name).push(frame);
  }
  const totals = [...self.entries()].map(([n, fs]) => [n, fs.reduce((a, f) => a + f.self, 0) / 1000, fs.length]);
  totals.sort((a, b) => b[1] - a[1]);
  console.log(`main thread, ${seconds} s: self time by event (ms, count)`);
  for (const [n, ms, c] of totals.slice(0, 16)) console.log(`${ms.toFixed(0).padStart(7)}  ${String(c).padStart(6)}  ${n}`);
} finally {
  await s.close();
}
