// End-to-end scenarios of the two-phase-commit lab, against the built dist/.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";
import { PARTICIPANTS, TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

siteTest("the site opens on the 2PC lab, which plays and pauses", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open("");
  const link = page.getByRole("navigation").getByRole("link", { name: "Two-phase commit", exact: true });
  await link.waitFor();
  assert.match((await link.getAttribute("href")) ?? "", /#\/two-phase-commit$/);
  for (const name of ["Coordinator", ...PARTICIPANTS, "Client"]) await lab.node(name).waitFor();
  assert.equal(await lab.step(), 0, "a fresh lab starts at step 0");
  await shot("opened");

  await lab.play();
  const started = await lab.waitForStep((n) => n >= 3, "the step counter advances while playing");
  await shot("playing");
  await lab.pause();
  const paused = await lab.step();
  assert.ok(paused >= started);
  await sleep(1000);
  assert.equal(await lab.step(), paused, "the step counter stands still while paused");
  await lab.assertLogMatchesStep();
  await shot("paused");
});

siteTest("stepping forward and back keeps the step counter and the event log in agreement", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();
  const start = await lab.step();
  assert.equal(await lab.stepForward(10), 10, "10 steps are available from the start");
  assert.equal(await lab.step(), start + 10);
  assert.equal(await lab.assertLogMatchesStep(), start + 10);
  assert.match(await lab.logText(), /prepare/i, "the coordinator sends PREPARE in the first 10 steps");
  await shot("after-10-steps");

  await lab.stepBack(3);
  assert.equal(await lab.assertLogMatchesStep(), start + 7);
  await shot("after-3-steps-back");
});

siteTest("crashing the coordinator blocks uncertain participants until it restarts", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();

  // Run until some participant has voted Yes and waits for the decision.
  let uncertain = [];
  for (let i = 0; i < 100 && uncertain.length === 0; i++) {
    assert.equal(await lab.stepForward(1), 1, "the run stalled before any participant became uncertain");
    const labels = await lab.participantLabels();
    uncertain = PARTICIPANTS.filter((_, k) => /uncertain/i.test(labels[k]));
  }
  assert.ok(uncertain.length > 0, "no participant became uncertain within 100 steps");
  await shot("participant-uncertain");

  await lab.nodeAction("Coordinator", "Crash");
  await waitFor(async () => /— crashed/.test(await lab.nodeLabel("Coordinator")), "Coordinator shows as crashed");
  await page.getByRole("button", { name: "Restart", exact: true }).waitFor();
  await shot("coordinator-crashed");

  // Without the coordinator, a participant that voted Yes can neither commit nor abort.
  await lab.stepForward(20);
  for (const p of uncertain) {
    const label = await lab.nodeLabel(p);
    assert.match(label, /uncertain/i, `${p} stays uncertain while the coordinator is down`);
    assert.doesNotMatch(label, /committed|aborted/i, `${p} decided without the coordinator`);
  }
  await shot("participants-blocked");

  await lab.nodeAction("Coordinator", "Restart");
  await waitFor(async () => !/crashed/.test(await lab.nodeLabel("Coordinator")), "Coordinator restarts");
  await shot("coordinator-restarted");

  // Step until every participant has learnt an outcome (checked after each step: the client
  // keeps submitting transactions, so a later one may make participants uncertain again).
  let labels = [];
  const decided = (l) => !/uncertain/i.test(l) && /committed|aborted/i.test(l);
  for (let i = 0; i < 300; i++) {
    labels = await lab.participantLabels();
    if (labels.every(decided)) break;
    assert.equal(await lab.stepForward(1), 1, `the run stalled with participants ${labels.join("; ")}`);
  }
  assert.ok(labels.every(decided), `the transaction did not complete: ${labels.join("; ")}`);
  const outcomes = labels.map((l) => (/committed/i.test(l) ? "committed" : "aborted"));
  assert.equal(new Set(outcomes).size, 1, `participants disagree: ${labels.join("; ")}`);
  const invariants = await lab.invariantLines();
  assert.ok(invariants.length > 0, "the invariant monitor lists the invariants");
  assert.ok(!invariants.some((l) => /violated/i.test(l)), `an invariant is violated: ${invariants.join("; ")}`);
  await lab.assertLogMatchesStep();
  await shot("transaction-complete");
});

siteTest("keyboard shortcuts step, play and open the shortcut help", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();
  const start = await lab.step();
  await page.keyboard.press("ArrowRight");
  await lab.waitForStep((n) => n === start + 1, "ArrowRight steps forward");
  await page.keyboard.press("ArrowRight");
  await lab.waitForStep((n) => n === start + 2, "ArrowRight steps forward");
  await page.keyboard.press("ArrowLeft");
  await lab.waitForStep((n) => n === start + 1, "ArrowLeft steps back");
  await page.keyboard.press("Space");
  await lab.pauseButton.waitFor();
  await page.keyboard.press("Space");
  await lab.playButton.waitFor();
  await page.keyboard.press("?");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts", exact: true });
  await dialog.waitFor();
  await shot("shortcuts-dialog");
});

siteTest("a malformed run link shows an error and the lab with its defaults", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open("#/two-phase-commit?run=garbage");
  const alert = page.getByRole("alert");
  await alert.first().waitFor({ state: "visible" });
  assert.ok((await alert.first().innerText()).trim().length > 0, "the alert says what is wrong");
  for (const name of ["Coordinator", ...PARTICIPANTS, "Client"]) await lab.node(name).waitFor();
  assert.equal(await lab.node("Participant 4").count(), 0, "the default cluster has 3 participants");
  assert.equal(await lab.step(), 0);
  assert.equal(await lab.stepForward(1), 1, "the default run can be stepped");
  await shot("malformed-link");
});
