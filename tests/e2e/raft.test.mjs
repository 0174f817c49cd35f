// The Raft lab in the browser: a leader is elected; crashing it elects another; going
// back to before the crash and partitioning instead forks the run.

import assert from "node:assert/strict";
import { accessibleName, siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

const SERVERS = ["S1", "S2", "S3", "S4", "S5"];

siteTest("raft: a leader is elected, crashing it elects another, and a past partition forks the run", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server); // the transport, log and node locators are shared
  await page.goto(server.url + "#/raft");
  await lab.node("S1").waitFor({ state: "visible" });
  assert.equal(await page.getByRole("link", { name: "Raft" }).getAttribute("aria-current"), "page");

  await lab.speed.fill("20"); // 10×: elections take a few hundred ticks
  const labels = () => Promise.all(SERVERS.map((s) => accessibleName(lab.node(s))));
  const leaders = async () => (await labels()).filter((l) => /— leader, term \d+/.test(l));

  await lab.play();
  const first = await waitFor(async () => (await leaders())[0], "a leader is elected");
  await lab.pause();
  const leader = first.split(" ")[0];
  const term = Number(/term (\d+)/.exec(first)[1]);
  await shot("leader-elected");
  const grid = page.getByRole("region", { name: "Logs", exact: true });
  assert.equal(await grid.locator("tbody tr").count(), 6, "the log grid has a row per server, the spare S6 included");
  assert.ok((await grid.locator("td").count()) >= 3, "the leader's no-op is replicated to a majority");

  await lab.nodeAction(leader, "Crash");
  const crashStep = (await lab.step()) - 1;
  await lab.play();
  await waitFor(async () => {
    const ls = (await leaders()).filter((l) => !l.startsWith(leader + " "));
    return ls.find((l) => Number(/term (\d+)/.exec(l)[1]) > term);
  }, "another server becomes leader in a later term");
  await lab.pause();
  assert.match(await lab.nodeLabel(leader), /— crashed/);
  await shot("new-leader");
  const recorded = Number(await lab.timeline.getAttribute("max"));
  assert.ok(recorded > crashStep + 1);

  // Back to just before the crash, and partition the old leader away instead.
  await lab.eventLog.locator(`li[data-step="${crashStep - 1}"] button`).click();
  assert.equal(await lab.step(), crashStep);
  assert.match(await lab.nodeLabel(leader), /— leader/, "before the crash it is still leader");
  await page.getByRole("checkbox", { name: leader, exact: true }).check();
  await page.getByRole("button", { name: "Partition", exact: true }).click();
  await waitFor(async () => (await lab.step()) === crashStep + 1, "the partition is applied as the next step");
  assert.equal(Number(await lab.timeline.getAttribute("max")), crashStep + 1, "the old future is dropped: the run forked");
  assert.match(await lab.logText(), /You partitioned the network/);
  await lab.play();
  await waitFor(async () => (await leaders()).some((l) => !l.startsWith(leader + " ")), "the majority side elects a leader");
  await lab.pause();
  assert.doesNotMatch(await lab.nodeLabel(leader), /crashed/, "in this branch it never crashed");
  await shot("forked-partition");
  const invariants = await lab.invariantLines();
  assert.equal(invariants.length, 5);
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});

siteTest("raft: the spare server joins, the leader removes itself, and messages show their fields", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await page.goto(server.url + "#/raft");
  await lab.node("S6").waitFor({ state: "visible" });
  assert.match(await lab.nodeLabel("S6"), /not in the cluster/, "S6 starts as a spare");
  await lab.speed.fill("20");
  const labels = () => Promise.all([...SERVERS, "S6"].map((s) => accessibleName(lab.node(s))));
  const leaderName = async () => ((await labels()).find((l) => /— leader, term \d+/.test(l)) ?? "").split(" ")[0];

  await lab.play();
  const leader = await waitFor(leaderName, "a leader is elected");
  await lab.pause();

  // A message in flight shows Figure 2's fields by name.
  await lab.stepForward(1);
  await waitFor(async () => (await page.getByRole("button", { name: /^Select (AppendEntries|heartbeat)/ }).count()) > 0 || (await lab.stepForward(1), false), "an AppendEntries is in flight");
  await page.getByRole("button", { name: /^Select (AppendEntries|heartbeat)/ }).first().click();
  const inspector = page.locator(".msg-inspector");
  for (const field of ["prevLogIndex", "prevLogTerm", "entries[]", "leaderCommit"]) {
    assert.match(await inspector.innerText(), new RegExp(field.replace(/[[\]]/g, "\\$&")), field);
  }
  await shot("message-fields");
  await page.keyboard.press("Escape");

  // A leader takes a membership change only once an entry of its own term is committed
  // (§4.2.2: its no-op), so step until it is.
  await waitFor(async () => /commits up to entry/.test(await lab.logText()) || (await lab.stepForward(1), false), "the leader commits its no-op");
  await lab.nodeAction("S6", "Add server");
  assert.match(await lab.logText(), /appends the configuration \{S1, S2, S3, S4, S5, S6\}/);
  await lab.play();
  await waitFor(async () => !/not in the cluster/.test(await lab.nodeLabel("S6")), "S6 joins the cluster");
  await lab.pause();

  await lab.nodeAction(leader, "Remove");
  await lab.play();
  await waitFor(async () => /own removal is committed: it steps down/.test(await lab.logText()), "the removed leader steps down");
  await waitFor(async () => {
    const l = await leaderName();
    return l && l !== leader ? l : null;
  }, "the remaining servers elect a new leader");
  await lab.pause();
  assert.match(await lab.nodeLabel(leader), /not in the cluster/);
  await shot("leader-removed");
  const invariants = await lab.invariantLines();
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});
