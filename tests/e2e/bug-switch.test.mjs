// The bug switch, as an instructor would show it in class: with "coordinator sends the
// decision before logging it" on, a dropped COMMIT and a coordinator crash at the wrong
// moment break atomicity, and the invariant monitor and the event log say so.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

siteTest("the decision-before-log bug switch leads to a visible atomicity violation", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();

  await page.getByText("Configuration", { exact: true }).click();
  await page.getByRole("checkbox", { name: /sends the decision before logging it/ }).check();
  assert.equal(await lab.step(), 0, "changing the configuration starts a fresh run");

  // Step until the coordinator has sent COMMIT without logging it.
  for (let i = 0; i < 60 && !/BUG/.test(await lab.logText()); i++) {
    assert.equal(await lab.stepForward(1), 1);
  }
  assert.match(await lab.logText(), /BUG: it sends COMMIT T1 before the record reaches its disk/);
  await shot("commit-sent-unlogged");

  // Drop the COMMIT on its way to Participant 3 ...
  await page.getByRole("button", { name: /^Message COMMIT T1 from Coordinator to Participant 3/ }).click();
  await page.getByRole("button", { name: "Drop", exact: true }).click();
  await waitFor(async () => /You dropped COMMIT T1/.test(await lab.logText()), "the drop is in the log");
  // ... and crash the coordinator before its disk write.
  await lab.nodeAction("Coordinator", "Crash");
  await lab.nodeAction("Coordinator", "Restart");
  await shot("coordinator-restarted-without-the-record");

  const violated = async () => (await lab.invariantLines()).find((l) => /^Atomicity — ✗ violated at step \d+/.test(l));
  for (let i = 0; i < 200 && !(await violated()); i++) {
    assert.equal(await lab.stepForward(1), 1, "the run stalled before the violation");
  }
  assert.ok(await violated(), `no atomicity violation: ${(await lab.invariantLines()).join("; ")}`);
  assert.match(await lab.logText(), /Invariant broken — Atomicity: Participant [12] committed T1 but Participant 3 aborted it/);
  assert.match(await lab.nodeLabel("Participant 3"), /aborted T1/);
  // The timeline marks the inputs (the drop, the crash, the restart) and where it broke.
  assert.equal(await page.locator(".marks .mark.input").count(), 3, "a mark per input");
  assert.equal(await page.locator(".marks .mark.violation").count(), 1, "a mark where Atomicity broke");
  await shot("atomicity-violated");

  // The monitor links to the step that broke it.
  await page.getByRole("button", { name: /^Go to step \d+$/ }).click();
  await lab.assertLogMatchesStep();
});
