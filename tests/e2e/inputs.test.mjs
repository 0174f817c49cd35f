// The fault timeline's list of inputs: each input with its step and sentence; deleting
// one or moving it to another step records the run again from there, and the run before
// the edit is kept as a branch to switch back to.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";

const stepOf = async (page) => Number((await page.getByTestId("step").textContent()).trim());
const waitStep = (page, n, what) => waitFor(async () => (await stepOf(page)) === n, `${what}: step ${n}`);
const node = (page, name) => page.locator(`g.node[aria-label^="${name} "]`);

siteTest("inputs can be deleted and moved, each edit a fork that keeps a branch", async ({ page, server, shot }) => {
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  const to = async (n) => {
    while ((await stepOf(page)) < n) await page.keyboard.press(".");
    await waitStep(page, n, "stepping");
  };
  // Crash S2 at step 10 and S3 at step 25, from the keyboard.
  await to(10);
  await page.keyboard.press("2");
  await page.keyboard.press("c");
  await page.keyboard.press("Escape");
  await to(26);
  await page.keyboard.press("3");
  await page.keyboard.press("c");
  await page.keyboard.press("Escape");
  await to(40);

  const list = page.locator("details.inputs");
  await list.locator("summary").click();
  assert.match(await list.locator("summary").textContent(), /Inputs \(2\)/);
  const rows = list.locator(".input-list li");
  await waitFor(async () => (await rows.count()) === 2, "two inputs listed");
  assert.match(await rows.nth(0).textContent(), /Step 10.*crash/is);
  assert.match(await rows.nth(1).textContent(), /Step 26.*crash/is);
  await shot("inputs");

  // Moving onto a step that has an input is refused, in words.
  await rows.nth(0).locator("input").fill("26");
  await rows.nth(0).getByRole("button", { name: "Move to step", exact: true }).click();
  await page.getByText("Step 26 already has an input").waitFor();

  // Move S2's crash to step 5: the run opens there, and the old run is a branch.
  await rows.nth(0).locator("input").fill("5");
  await rows.nth(0).getByRole("button", { name: "Move to step", exact: true }).click();
  await waitStep(page, 5, "the moved input's step");
  await waitFor(async () => /Step 5/.test(await rows.nth(0).textContent()), "the list follows");
  assert.equal(await page.locator(".branch").count(), 1, "the run before the edit is a branch");
  await page.keyboard.press(".");
  await waitFor(async () => (await node(page, "S2").getAttribute("data-state")) === "down", "S2 crashes at step 5 now");

  // Delete S3's crash: one input left, and a second branch.
  await rows.nth(1).getByRole("button", { name: "Delete", exact: true }).click();
  await waitFor(async () => /Inputs \(1\)/.test(await list.locator("summary").textContent()), "one input left");
  assert.equal(await page.locator(".branch").count(), 2);
  await page.keyboard.press("End");
  await waitFor(async () => (await node(page, "S3").getAttribute("data-state")) === "up", "S3 never crashes now");

  // Switching back to the first branch brings both crashes back.
  await page.locator(".branch").first().click();
  await waitFor(async () => /Inputs \(2\)/.test(await list.locator("summary").textContent()), "the old run's inputs");
  await waitFor(async () => /Step 10/.test(await rows.nth(0).textContent()), "at their old steps");
});
