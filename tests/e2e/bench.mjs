// Frame-time figures of the built site (dist/) in the system Chromium: a program that
// prints percentiles, not a test (nothing passes or fails). `scripts/bench.sh` runs it.
//
//   node tests/e2e/bench.mjs [seconds per case, default 8]
//
// Each case opens a lab from a run link, plays it at a speed, lets it warm up for 2 s,
// then records every animation frame for the given time:
//   work      from the frame's first requestAnimationFrame callback to the end of the
//             rendering after it: simulation steps, reactive updates, style, layout, paint;
//   interval  the time from one frame to the next (what the viewer sees: 16.7 ms is 60 fps);
//   long      the share of the time spent in long tasks (over 50 ms).

import { openSession } from "./harness.mjs";
import { BUSY, runLink as run, startPlaying } from "./perf.mjs";

const SECONDS = Number(process.argv[2] ?? 8);

const CASES = [
  ["load balancing, 4 clients × 1000/s, 16 backends, 100×", BUSY, 100],
  ["load balancing, same, 1×", BUSY, 1],
  ["raft, 7 servers and 2 spares, 100×", run("raft", { servers: 7, spare_servers: 2 }), 100],
  ["two-phase commit, 1,000 transactions, 100×", run("two-phase-commit", { transactions: 1000 }), 100],
  // The heaviest settings the sharding lab allows: the longest frame is the figure.
  [
    "sharding, 8+4 servers, 200 vnodes, 10k keys, 4×1000/s, 100×",
    run("sharding", { servers: 8, spare_servers: 4, routers: 3, clients: 4, vnodes: 200, replication: 3, keys: 10000, rate: 1000 }),
    100,
  ],
];

const INSTRUMENT = () => {
  // A frame's work runs from its first animation-frame callback to the end of the
  // rendering that follows (reactive updates in microtasks, style, layout, paint): a
  // message posted from the first callback is handled once all of that is done.
  const orig = window.requestAnimationFrame.bind(window);
  const channel = new MessageChannel();
  let open = null;
  window.__work = new Map();
  window.__recording = false;
  channel.port1.onmessage = () => {
    if (open && window.__recording) window.__work.set(open.ts, performance.now() - open.t0);
    open = null;
  };
  window.requestAnimationFrame = (cb) =>
    orig((ts) => {
      if (!open) {
        open = { ts, t0: performance.now() };
        channel.port2.postMessage(0);
      }
      cb(ts);
    });
  window.__long = 0;
  new PerformanceObserver((list) => {
    if (window.__recording) for (const e of list.getEntries()) window.__long += e.duration;
  }).observe({ type: "longtask", buffered: false });
};

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (v) => v.toFixed(1).padStart(6);

async function measure(page, url, speed) {
  await startPlaying(page, url, speed);
  await page.evaluate(() => {
    window.__work.clear();
    window.__long = 0;
    window.__t0 = performance.now();
    window.__recording = true;
  });
  await page.waitForTimeout(SECONDS * 1000);
  return page.evaluate(() => {
    window.__recording = false;
    const elapsed = performance.now() - window.__t0;
    const stamps = [...window.__work.keys()].sort((a, b) => a - b);
    const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
    const step = Number(document.querySelector('[data-testid="step"]').textContent.replace(/[^\d]/g, ""));
    const time = document.querySelector('[data-testid="time"]').textContent;
    return { work: [...window.__work.values()], intervals, long: window.__long / elapsed, step: `${step} t=${time}` };
  });
}

const s = await openSession("bench");
try {
  console.log(`frame figures, ${SECONDS} s per case after 2 s of warm-up (ms)`);
  console.log("case".padEnd(56) + "  work p50   p95   max | interval p50   p95 |  fps | long | steps");
  // BENCH_ONLY=raft,two-phase runs only the cases whose name holds one of these words.
  const only = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
  for (const [name, url, speed] of CASES.filter(([n]) => !only.length || only.some((w) => n.includes(w)))) {
    // Each case in a page of its own: a lab opened by a hash change would inherit the
    // previous case's document.
    const page = await s.context.newPage();
    await page.addInitScript(INSTRUMENT);
    const r = await measure(page, s.server.url + url, speed);
    await page.close();
    const w = r.work.sort((a, b) => a - b);
    const iv = r.intervals.sort((a, b) => a - b);
    const fps = r.intervals.length / (r.intervals.reduce((a, b) => a + b, 0) / 1000);
    console.log(
      name.padEnd(56) +
        `${fmt(pct(w, 50))}${fmt(pct(w, 95))}${fmt(w[w.length - 1])} |    ${fmt(pct(iv, 50))}${fmt(pct(iv, 95))} | ${fps.toFixed(0).padStart(4)} | ${(r.long * 100).toFixed(0).padStart(3)}% | ${r.step}`,
    );
  }
  if (s.errors.length) console.log("page errors:\n  " + s.errors.join("\n  "));
} finally {
  await s.close();
}
