// The page never dies (issue 11, items 1-3 and 5): the Back button, lab tabs, broken
// links, runs longer than a page keeps (thinned) and runs that outgrow the simulator's
// bounds all end in a working page with a message, never a panic.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";

const link = (lab, run, at) =>
  `#/${lab}?run=${encodeURIComponent(JSON.stringify(run))}${at === undefined ? "" : `&at=${at}`}`;
const nodes = (page) => page.locator("svg.cluster g.node");
const step = async (page) => Number.parseInt((await page.getByTestId("step").textContent()).replace(/[^\d]/g, ""), 10);
const notice = (page) => page.locator(".notice").first();
const noticeText = async (page) => ((await notice(page).count()) ? await notice(page).textContent() : "");

siteTest("the Back button and the lab tabs switch between labs of different sizes", async ({ page, server, shot }) => {
  await page.goto(server.url + "#/two-phase-commit");
  await waitFor(async () => (await nodes(page).count()) === 5, "2PC has five nodes");
  for (let round = 0; round < 2; round++) {
    await page.getByRole("link", { name: "Raft" }).click();
    await waitFor(async () => (await nodes(page).count()) === 6, "Raft has six nodes");
    await page.goBack();
    await waitFor(async () => (await nodes(page).count()) === 5, "back to 2PC's five nodes");
    await page.goForward();
    await waitFor(async () => (await nodes(page).count()) === 6, "forward to Raft");
    await page.getByRole("link", { name: "Two-phase commit" }).click();
    await waitFor(async () => (await nodes(page).count()) === 5, "the 2PC tab");
    await page.getByRole("link", { name: "Paxos" }).click();
    await page.goBack();
    await waitFor(async () => (await nodes(page).count()) === 5, "back from Paxos");
  }
  await shot("after-back-and-forth");
  assert.equal(await page.locator("#panic-banner").count(), 0, "no panic banner");
});

siteTest("a link with a malformed step keeps its run and says so", async ({ page, server, shot }) => {
  const run = { format: 1, protocol: "two-phase-commit", seed: 5, steps: 40, inputs: [] };
  for (const at of ["-1", "1.5", "18446744073709551616"]) {
    await page.goto("about:blank");
    await page.goto(server.url + link("two-phase-commit", run, at));
    await waitFor(async () => (await step(page)) === 40, `the run is kept with at=${at}`);
    assert.match(await notice(page).textContent(), /not a step number/);
    assert.match(await notice(page).textContent(), new RegExp(`“${at.replace(".", "\\.")}”`));
  }
  await page.goto("about:blank");
  await page.goto(server.url + link("two-phase-commit", run, 400));
  await waitFor(async () => (await step(page)) === 40, "a step past the end is clamped");
  assert.match(await notice(page).textContent(), /asks for step 400, but the run has 40 steps/);
  await shot("past-the-end");
});

siteTest("a long run loads a slice per frame with progress, and Stop keeps what is recorded", async ({ page, server, shot }) => {
  const run = { format: 1, protocol: "raft", seed: 2, steps: 1_500_000, inputs: [] };
  await page.goto(server.url + link("raft", run, "-1"));
  const stop = page.getByRole("button", { name: "Stop here" });
  await stop.waitFor({ state: "visible" });
  const status = page.getByRole("status").filter({ hasText: "Recording the run" });
  await waitFor(async () => /step \d+ of 1500000/.test(await status.textContent()), "progress is shown");
  // The page answers while it records: the help overlay opens and closes.
  await page.keyboard.press("?");
  await page.getByRole("heading", { name: "Keyboard shortcuts" }).waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await shot("loading");
  await stop.click();
  await stop.waitFor({ state: "detached" });
  const kept = await step(page);
  assert.ok(kept > 0 && kept < 1_500_000, `stopped at ${kept}`);
  // One notice says both: where recording stopped, and that the link's step was unreadable.
  assert.match(await notice(page).textContent(), /Recording stopped at step \d+ of 1500000.*not a step number/);
  // The link follows once the page has painted the change.
  await waitFor(() => page.url().includes(`%22steps%22%3A${kept}`), "the link now holds the run as kept");
  await shot("stopped");
});

siteTest("a run longer than the record budget is thinned, and the page says from which step it is kept", async ({ page, server, shot }) => {
  const run = { format: 1, protocol: "raft", seed: 1, steps: 10_000_000, inputs: [] };
  await page.goto(server.url + link("raft", run));
  const status = page.getByRole("status").filter({ hasText: "Recording the run" });
  const done = async () => Number.parseInt(((await status.textContent()).match(/step (\d+) of/) ?? [0, "0"])[1], 10);
  await waitFor(async () => (await done()) > 1_500_000, "recorded past the 128 MiB budget", 120_000);
  await page.getByRole("button", { name: "Stop here" }).click();
  const kept = page.getByTestId("history-kept");
  await kept.waitFor({ state: "visible" });
  const text = await kept.textContent();
  assert.match(text, /History kept from step \d+ \(older steps were thinned/);
  const first = Number.parseInt(text.match(/step (\d+)/)[1], 10);
  assert.ok(first > 0, `kept from ${first}`);
  assert.equal(await page.locator(".timeline input").getAttribute("min"), String(first));
  await shot("thinned");
  assert.equal(await page.locator("#panic-banner").count(), 0);
}, { timeout: 240_000 });

siteTest("a run that outgrows the simulator's bounds stops with the reason", async ({ page, server, shot }) => {
  const run = {
    format: 1, protocol: "paxos", seed: 1, steps: 1_000_000,
    network: { latency_ticks_min: 10000, latency_ticks_max: 10000, loss_per_mille: 0 },
    config: { proposers: 3, acceptors: 7, retry_ticks: 1 }, inputs: [],
  };
  await page.goto(server.url + link("paxos", run));
  await waitFor(async () => /stopped at step \d+: \d+ messages were in flight/.test(await noticeText(page)),
    "the bound is named", 120_000);
  // The link names no step: the run opens at its start, and everything recorded is there.
  assert.equal(await step(page), 0);
  assert.ok(Number(await page.locator(".timeline input").getAttribute("max")) > 20_000);
  await page.keyboard.press("End");
  await waitFor(async () => (await step(page)) > 20_000, "End goes to where the run stopped");
  await page.getByRole("button", { name: "Step back", exact: true }).click();
  await shot("stopped-at-a-bound");
  assert.equal(await page.locator("#panic-banner").count(), 0);
}, { timeout: 240_000 });
