// The load-balancing lab in the browser: requests flow and are plotted; a crashed backend
// is marked down by the health checks; the algorithm switches live; the batch table ranks
// every algorithm on the same workload.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

siteTest("load balancing: traffic is plotted, a crash is detected, algorithms switch live and batch", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server); // the transport, log and node locators are shared
  await page.goto(server.url + "#/load-balancing");
  for (const n of ["Client 1", "Client 2", "Load balancer", "Backend 1", "Backend 4"]) {
    await lab.node(n).waitFor({ state: "visible" });
  }
  const charts = page.getByRole("region", { name: "Measurements", exact: true });
  for (const title of ["Latency (p50, p95, p99)", "Throughput", "Rejected and failed", "Utilisation per backend"]) {
    assert.match(await charts.innerText(), new RegExp(title.replace(/[()]/g, "\\$&")));
  }
  await lab.speed.fill("60");
  await lab.play();
  await waitFor(async () => /done ([2-9]\d|\d{3,})/.test(await lab.nodeLabel("Client 1")), "client 1 gets dozens of answers");
  await lab.pause();
  const latency = page.getByRole("img", { name: /^Latency \(p50, p95, p99\) \(ticks\): p50 \d+/ });
  assert.equal(await latency.count(), 1, "the latency chart names its latest values");

  // Crash a backend: the balancer's probes go unanswered and it is marked down. While
  // playing, the log keeps only its newest lines: the state is watched, and the paused log
  // (its whole window) tells how it happened.
  await lab.nodeAction("Backend 3", "Crash");
  await lab.speed.fill("20");
  await lab.play();
  await waitFor(async () => /3\/4 up/.test(await lab.nodeLabel("Load balancer")), "the health checks mark Backend 3 down");
  await lab.pause();
  assert.match(await lab.logText(), /marks Backend 3 down/);

  // Switch the algorithm live, on the balancer.
  await lab.nodeAction("Load balancer", "Use power of two choices");
  assert.match(await lab.logText(), /Load balancer switches to power of two choices/);
  assert.match(await lab.nodeLabel("Load balancer"), /^Load balancer — power of two choices/);
  await shot("crash-detected");
  const invariants = await lab.invariantLines();
  assert.equal(invariants.length, 2);
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));

  // Batch mode: every algorithm, one row each.
  await page.getByRole("button", { name: /Run every algorithm on this workload/ }).click();
  const table = page.locator(".batch-table");
  await waitFor(async () => (await table.locator("tbody tr").count()) === 8, "eight algorithms in the batch table", 60_000);
  assert.match(await table.innerText(), /power of two choices/);
  await shot("batch");
  // The table belongs to the configuration and seed, not to the step: stepping keeps it.
  await lab.stepForward(3);
  assert.equal(await table.locator("tbody tr").count(), 8, "the batch table survives steps");
  // …and a new run (another seed) clears it.
  await page.getByRole("button", { name: "New seed", exact: true }).click();
  await waitFor(async () => (await table.count()) === 0, "a new seed clears the batch table");
});

siteTest("load balancing: compare mode replays the same workload under another algorithm", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await page.goto(server.url + "#/load-balancing");
  await lab.node("Backend 2").waitFor({ state: "visible" });
  await lab.nodeAction("Backend 2", "Slow down (×4)");
  await lab.speed.fill("60");
  await lab.play();
  await waitFor(async () => /done ([4-9]\d|\d{3,})/.test(await lab.nodeLabel("Client 1")), "a few seconds of traffic");
  await lab.pause();
  await page.getByRole("combobox", { name: "Compare with" }).selectOption({ label: "least connections" });
  await page.getByRole("button", { name: "Compare on this workload" }).click();
  const charts = page.getByRole("region", { name: "Measurements", exact: true });
  await waitFor(async () => (await charts.locator(".chart-pairs .pair").count()) === 4, "four pairs of charts");
  assert.match(await charts.innerText(), /replayed under least connections/);
  assert.equal(await charts.getByRole("img", { name: /^Latency/ }).count(), 2, "two latency charts side by side");
  await shot("compare");
  await page.getByRole("button", { name: "Stop comparing" }).click();
  assert.equal(await charts.locator(".chart-pairs").count(), 0);
});
