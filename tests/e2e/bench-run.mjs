// Figures of a long run in the built site (dist/) in the system Chromium: a program that
// prints them, not a test (nothing passes or fails). `scripts/bench.sh` runs it.
//
//   node tests/e2e/bench-run.mjs [steps, default 100000]
//
//   first interactive  from navigation to the first lab's Play button, CPU slowed 4×
//                      (Chromium's CPU throttling), each load in a fresh page and cache;
//   load               recording a run link of `steps` steps, to the timeline's end;
//   memory             the WebAssembly memory after that recording (it never shrinks, so
//                      this is the peak) and the JavaScript heap;
//   seek               moving the timeline to a random step, to the paint after it;
//   step back          the "Step back" button at the end of the run, to the paint after it;
//   a long play        load balancing's defaults recorded for 2,000,000 steps (about 30
//                      minutes of play at 100×): the memory then, and how far back the
//                      thinned history reaches.

import { openSession } from "./harness.mjs";
import { runLink } from "./perf.mjs";

const STEPS = Number(process.argv[2] ?? 100_000);
const SEEKS = 30;
const BACKS = 30;
const LOADS = 5;

// Configurations that keep running past `STEPS` steps (a run that falls quiet earlier would
// measure a shorter one: the script prints the steps it got).
const LABS = [
  ["two-phase commit", "two-phase-commit", { transactions: 100_000 }],
  ["raft", "raft", {}],
  ["paxos", "paxos", { multi: true, cure_leader: true }],
  ["sharding", "sharding", {}],
  ["load balancing", "load-balancing", {}],
];

// Keeps the WebAssembly memory where the page can read it once trunk's loader starts the
// app; `__toPaint(act)` runs `act`, then resolves with the ms until the frame after it has
// painted (a message posted from the next animation frame is handled after its rendering).
const IN_PAGE = () => {
  addEventListener("TrunkApplicationStarted", (e) => {
    window.__wasmMemory = e.detail.wasm.memory;
  });
  window.__toPaint = (act) =>
    new Promise((done) => {
      const t0 = performance.now();
      act();
      requestAnimationFrame(() => {
        const c = new MessageChannel();
        c.port1.onmessage = () => done(performance.now() - t0);
        c.port2.postMessage(0);
      });
    });
};

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(1)}  p95 ${pct(s, 95).toFixed(1)}  max ${s[s.length - 1].toFixed(1)} ms`;
};
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

async function firstInteractive(s) {
  const times = [];
  // One load more than measured: the first warms up the browser itself.
  for (let i = 0; i <= LOADS; i++) {
    const page = await s.context.newPage();
    const cdp = await s.context.newCDPSession(page);
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
    await page.goto(s.server.url);
    await page.getByRole("button", { name: "Play", exact: true }).waitFor({ state: "visible" });
    // The button's insertion time, from the navigation's start (Playwright only polls).
    const t = await page.evaluate(() => window.__interactive ?? performance.now());
    if (i > 0) times.push(t);
    await page.close();
  }
  console.log(`first interactive, CPU 4× slower (${LOADS} loads)   ${stats(times)}`);
}

// Records when a Play button first appears, from the navigation's start.
const MARK_INTERACTIVE = () => {
  new MutationObserver((_, obs) => {
    for (const b of document.querySelectorAll("button[aria-label]")) {
      if (b.getAttribute("aria-label") === "Play") {
        window.__interactive = performance.now();
        obs.disconnect();
        return;
      }
    }
  }).observe(document, { childList: true, subtree: true });
};

/** Opens a run link of `steps` steps and waits until it is recorded: the seconds it took. */
async function record(page, url, steps) {
  const t0 = Date.now();
  await page.goto(url.replace("%22steps%22%3A0", `%22steps%22%3A${steps}`));
  const slider = page.getByRole("slider", { name: "Timeline", exact: true });
  // Recorded once the timeline's end stops moving and no progress notice is left.
  let last = -1;
  for (;;) {
    await page.waitForTimeout(250);
    const max = Number(await slider.getAttribute("max"));
    const busy = await page.getByText("Recording the run").count();
    if (max === last && !busy) break;
    last = max;
  }
  return { last, seconds: (Date.now() - t0) / 1000 };
}

const memoryOf = (page) =>
  page.evaluate(() => ({
    wasm: window.__wasmMemory?.buffer.byteLength ?? 0,
    js: performance.memory?.usedJSHeapSize ?? 0,
  }));

async function longRun(s, [name, protocol, config]) {
  const page = await s.context.newPage();
  await page.addInitScript(IN_PAGE);
  const { last, seconds } = await record(page, s.server.url + runLink(protocol, config), STEPS);
  const memory = await memoryOf(page);
  const seeks = [];
  for (let i = 0; i < SEEKS; i++) {
    const to = Math.floor(((i * 7919) % SEEKS) / SEEKS * last);
    seeks.push(
      await page.evaluate((to) => {
        const input = document.querySelector('input[aria-label="Timeline"]');
        return window.__toPaint(() => {
          input.value = String(to);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        });
      }, to),
    );
  }
  // Back to the end, then step back from there.
  await page.evaluate((end) => {
    const input = document.querySelector('input[aria-label="Timeline"]');
    input.value = String(end);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, last);
  const backs = [];
  for (let i = 0; i < BACKS; i++) {
    backs.push(
      await page.evaluate(() =>
        window.__toPaint(() => document.querySelector('button[aria-label="Step back"]').click()),
      ),
    );
  }
  await page.close();
  console.log(`${name}: ${last} steps recorded in ${seconds.toFixed(1)} s; wasm memory ${mb(memory.wasm)}, JS heap ${mb(memory.js)}`);
  console.log(`  seek       ${stats(seeks)}`);
  console.log(`  step back  ${stats(backs)}`);
}

async function longPlay(s) {
  const page = await s.context.newPage();
  await page.addInitScript(IN_PAGE);
  const { last, seconds } = await record(page, s.server.url + runLink("load-balancing", {}), 2_000_000);
  const memory = await memoryOf(page);
  const kept = (await page.getByTestId("history-kept").textContent().catch(() => "")) || "not thinned";
  await page.close();
  console.log(`load balancing, 2,000,000 steps (30 min at 100×): recorded to ${last} in ${seconds.toFixed(0)} s; wasm memory ${mb(memory.wasm)}, JS heap ${mb(memory.js)}`);
  console.log(`  ${kept.split("(")[0].trim()}`);
}

const s = await openSession("bench-run");
try {
  await s.context.addInitScript(MARK_INTERACTIVE);
  await firstInteractive(s);
  for (const lab of LABS) await longRun(s, lab);
  await longPlay(s);
  if (s.errors.length) console.log("page errors:\n  " + s.errors.join("\n  "));
} finally {
  await s.close();
}
