// The Paxos lab in the browser: a value is chosen (and the lab says so before any learner
// knows), a message shows its fields, an acceptor crashes in phase 2 and keeps its promise,
// and Multi-Paxos fills a log of slots.

import assert from "node:assert/strict";
import { accessibleName, siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

siteTest("paxos: a value is chosen, learned, and survives an acceptor crash", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server); // the transport, log and node locators are shared
  await page.goto(server.url + "#/paxos");
  await lab.node("Acceptor 1").waitFor({ state: "visible" });
  for (const n of ["Proposer 1", "Proposer 2", "Acceptor 2", "Acceptor 3", "Learner 1"]) {
    assert.ok(await lab.node(n).isVisible(), n);
  }
  const grid = page.getByRole("region", { name: "Slots", exact: true });
  await lab.speed.fill("20");
  await lab.play();
  await waitFor(async () => /learned [ABC]/.test(await lab.nodeLabel("Learner 1")), "the learner learns a value");
  await lab.pause();
  const learned = /learned ([ABC])/.exec(await lab.nodeLabel("Learner 1"))[1];
  const log = await lab.logText();
  const chosenAt = log.indexOf(`${learned} is now chosen in #0`);
  const learnedAt = log.indexOf(`Learner 1 learns ${learned} in #0`);
  assert.ok(chosenAt >= 0, "the event log says when the value became chosen");
  assert.ok(chosenAt < learnedAt, "it was chosen before the learner knew");
  assert.match(await grid.innerText(), new RegExp(`Chosen\\s+${learned} \\(step \\d+\\)`), "the chosen row says when");
  const acceptors = await Promise.all(["Acceptor 1", "Acceptor 2", "Acceptor 3"].map((a) => lab.nodeLabel(a)));
  const quorum = acceptors.filter((l) => / · quorum$/.test(l)).length;
  assert.ok(quorum >= 2, `a majority of acceptors is highlighted as the quorum (${quorum})`);
  assert.match(log, /gives up ballot \d+\.\d: an acceptor promised/, "with no cure, the two proposers duel before one wins");
  await shot("value-chosen");
  const invariants = await lab.invariantLines();
  assert.equal(invariants.length, 4);
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));

  // Crash an acceptor, then restart it: its promise and acceptance come back from disk.
  await lab.nodeAction("Acceptor 1", "Crash");
  assert.match(await lab.nodeLabel("Acceptor 1"), /— crashed/);
  await lab.nodeAction("Acceptor 1", "Restart");
  assert.match(await lab.nodeLabel("Acceptor 1"), new RegExp(`promised \\d+\\.\\d.*${learned}@`));
  // A new ballot from Proposer 2 can only choose the same value again.
  await lab.nodeAction("Proposer 2", "Propose now");
  await lab.play();
  await waitFor(async () => /Proposer 2 has accepts from a majority/.test(await lab.logText()), "proposer 2's ballot completes");
  // The run may already have fallen quiet (and stopped by itself).
  // (It may fall quiet between a look and a click: pause only if it still plays.)
  await page.getByRole("button", { name: "Pause", exact: true }).click({ timeout: 1000 }).catch(() => {});
  assert.match(await lab.logText(), new RegExp(`Proposer 2 has accepts from a majority: it knows ${learned} is chosen`));
});

siteTest("paxos: messages show their fields, and Multi-Paxos fills slots", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await page.goto(server.url + "#/paxos");
  await lab.node("Proposer 1").waitFor({ state: "visible" });
  await waitFor(async () => (await page.getByRole("button", { name: /^Select Prepare/ }).count()) > 0 || (await lab.stepForward(1), false), "a prepare request is in flight");
  await page.getByRole("button", { name: /^Select Prepare/ }).first().click();
  const inspector = page.locator(".msg-inspector");
  assert.match(await inspector.innerText(), /ballot\s+\d+\.\d/);
  assert.match(await inspector.innerText(), /from slot\s+0/);
  await page.keyboard.press("Escape");

  // Multi-Paxos with a distinguished proposer.
  await page.getByText("Configuration", { exact: true }).click();
  await page.getByRole("checkbox", { name: "Multi-Paxos" }).check();
  await page.getByRole("checkbox", { name: "Cure: distinguished proposer" }).check();
  await lab.node("Proposer 1").waitFor({ state: "visible" });
  await lab.speed.fill("20");
  await lab.play();
  await waitFor(async () => /phase 2/.test(await accessibleName(lab.node("Proposer 1"))), "proposer 1 leads after one phase 1");
  await lab.pause();
  for (let i = 0; i < 3; i++) await lab.nodeAction(i % 2 ? "Proposer 2" : "Proposer 1", "Client command");
  await lab.play();
  await waitFor(async () => /learned 3 slots/.test(await lab.nodeLabel("Learner 1")), "the learner learns three slots");
  await lab.pause();
  const grid = page.getByRole("region", { name: "Slots", exact: true });
  assert.equal(await grid.locator("thead th").count(), 4, "slot header + slots 0, 1, 2");
  assert.match(await lab.logText(), /Proposer 2 hands .* to Proposer 1, the distinguished proposer/);
  await shot("multi-paxos");
  const invariants = await lab.invariantLines();
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});
