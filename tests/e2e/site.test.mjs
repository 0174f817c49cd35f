// Properties of the site as a whole, whatever the lab.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

siteTest("the page requests nothing from any origin other than its own", async ({ page, server, requests, foreign, shot }) => {
  const responses = [];
  page.on("response", (r) => responses.push(r));
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();
  await lab.play();
  await new Promise((r) => setTimeout(r, 1500));
  await lab.pause();
  await page.keyboard.press("?");
  await page.waitForLoadState("networkidle");
  await shot("after-playing");

  assert.deepEqual(foreign, [], "requests to other origins");
  assert.ok(requests.length > 0 && requests.every((u) => u.startsWith(server.origin + "/") || /^(data|blob):/.test(u)));
  const wasm = responses.filter((r) => new URL(r.url()).pathname.endsWith(".wasm"));
  assert.equal(wasm.length, 1, "the page loads one wasm module");
  assert.equal(wasm[0].headers()["content-type"], "application/wasm");
  assert.ok(server.requests.every((r) => r.status === 200 || r.path === "/favicon.ico"), JSON.stringify(server.requests));
});

siteTest("each lab keeps its run and its step when you switch tabs and back", async ({ page, server }) => {
  const step = async () => Number((await page.getByTestId("step").textContent()).trim());
  const seed = () => page.getByTestId("seed").textContent();
  const tab = (name) => page.getByRole("link", { name, exact: true });
  await page.goto(server.url + "#/two-phase-commit");
  await page.getByTestId("step").waitFor();
  await page.getByRole("button", { name: "New seed", exact: true }).click();
  for (let i = 0; i < 15; i++) await page.keyboard.press("ArrowRight");
  await waitFor(async () => (await step()) === 15, "15 steps of 2PC");
  const tpcSeed = await seed();

  await tab("Raft").click();
  await waitFor(async () => (await step()) === 0, "Raft opens fresh");
  for (let i = 0; i < 7; i++) await page.keyboard.press("ArrowRight");
  await waitFor(async () => (await step()) === 7, "7 steps of Raft");

  await tab("Two-phase commit").click();
  await waitFor(async () => (await step()) === 15, "2PC is back at its step");
  assert.equal(await seed(), tpcSeed, "with its own run (the new seed)");
  await tab("Raft").click();
  await waitFor(async () => (await step()) === 7, "Raft is back at its step");
});

siteTest("Reset, New seed and a new configuration put the run aside, and Undo brings it back at its step", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();
  await lab.stepForward(6);
  await lab.nodeAction("Participant 2", "Crash");
  await lab.stepForward(5);
  const at = await lab.step();
  const seed = await page.getByTestId("seed").textContent();
  const undo = page.getByRole("button", { name: "Undo", exact: true });

  await page.getByRole("button", { name: "Reset", exact: true }).click();
  await lab.waitForStep((n) => n === 0, "Reset starts over");
  await undo.click();
  await lab.waitForStep((n) => n === at, "Undo goes back to the step");
  assert.match(await lab.logText(), /You crashed Participant 2/, "with the input the user made");
  await shot("undone-reset");

  await page.getByRole("button", { name: "New seed", exact: true }).click();
  await lab.waitForStep((n) => n === 0, "New seed starts over");
  const other = await page.getByTestId("seed").textContent();
  assert.notEqual(other, seed);
  await lab.stepForward(3);
  await undo.click();
  await lab.waitForStep((n) => n === at, "Undo after New seed");
  assert.equal(await page.getByTestId("seed").textContent(), seed, "the seed is back too");
  // Undo again swaps back: the run stepped since is not lost either.
  await undo.click();
  await lab.waitForStep((n) => n === 3, "Undo again returns to the new run");
  assert.equal(await page.getByTestId("seed").textContent(), other);
});

siteTest("a configuration change keeps the user's actions, rerun at the moments they happened", async ({ page, server }) => {
  const logText = () =>
    page.getByRole("list", { name: "Event log", exact: true }).getByRole("listitem")
      .evaluateAll((lis) => lis.map((li) => li.textContent).join("\n"));
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  for (let i = 0; i < 30; i++) await page.keyboard.press(".");
  await page.keyboard.press("5");
  await page.keyboard.press("c");
  for (let i = 0; i < 20; i++) await page.keyboard.press(".");
  await page.getByText("Configuration", { exact: true }).click();
  const keep = page.getByRole("checkbox", { name: /^Keep my actions/ });
  assert.equal(await keep.isChecked(), true, "kept unless the user says otherwise");
  await page.getByRole("checkbox", { name: /^Pre-vote/ }).check();
  await page.getByRole("button", { name: "Undo", exact: true }).waitFor();
  await waitFor(async () => /You crashed S5/.test(await logText()), "the crash is rerun under pre-vote");
  assert.ok(Number(await page.getByTestId("step").textContent()) > 30, "recorded up to where the run was");
  assert.equal(await page.getByRole("checkbox", { name: /^Pre-vote/ }).isChecked(), true);

  // Fewer servers than the crash named: the change is made, afresh, and the page says why.
  const servers = page.getByRole("spinbutton", { name: /^Servers/ });
  await servers.fill("3");
  await servers.press("Enter");
  await waitFor(async () => /Your actions could not be kept/.test(await page.locator(".notice").allInnerTexts().then((t) => t.join(" "))),
    "the page says the actions did not fit");
  assert.equal(await page.getByTestId("step").textContent(), "0", "a fresh run of three servers");
  await page.getByRole("button", { name: "Undo", exact: true }).waitFor();
});

siteTest("the legend under the canvas explains the marks, and each lab's notation", async ({ page, server, shot }) => {
  await page.goto(server.url + "#/paxos");
  await page.getByTestId("step").waitFor();
  const open = page.getByRole("button", { name: "What the drawing shows", exact: true });
  assert.equal(await open.getAttribute("aria-expanded"), "false");
  await open.click();
  const legend = page.locator("figure.canvas .legend-list");
  await legend.waitFor();
  const text = await legend.innerText();
  assert.match(text, /Arc around a node/, "the marks every lab shares");
  assert.match(text, /B@2\.1\s+Value B, accepted in ballot 2\.1/, "Paxos's notation");
  await shot("legend");
  await page.getByRole("link", { name: "Two-phase commit", exact: true }).click();
  await waitFor(async () => /Transaction 1/.test(await legend.innerText()), "the legend follows the lab");
});

siteTest("an imported run opens at its start, with every recorded step there to step through", async ({ page, server }) => {
  await page.goto(server.url + "#/two-phase-commit");
  await page.getByTestId("step").waitFor();
  await page.getByRole("button", { name: "Import run", exact: true }).click();
  const run = { format: 1, protocol: "raft", seed: 3, steps: 40, inputs: [{ at: 20, kind: "crash", node: 1 }] };
  await page.getByRole("textbox").fill(JSON.stringify(run));
  await page.getByRole("button", { name: "Load this run", exact: true }).click();
  await waitFor(async () => (await page.locator(".timeline input").getAttribute("max")) === "40", "40 steps recorded");
  assert.equal(await page.getByTestId("step").textContent(), "0", "at its start");
  assert.equal(await page.getByRole("link", { name: "Raft", exact: true }).getAttribute("aria-current"), "page");
});

siteTest("acting at a past step keeps the old future as a branch, and switching goes back and forth", async ({ page, server }) => {
  await page.goto(`${server.url}#/raft?lang=en`);
  await page.getByTestId("step").waitFor();
  for (let i = 0; i < 20; i++) await page.keyboard.press(".");
  for (let i = 0; i < 10; i++) await page.keyboard.press("PageUp");
  assert.equal(await page.getByTestId("step").textContent(), "10");
  assert.equal(await page.locator(".branch").count(), 0, "no branch before a fork");
  // Crash S1 at step 10: the run forks, and the 20 steps it had become a branch.
  const s1 = page.locator("g.node").first();
  await s1.click();
  await page.keyboard.press("c");
  await waitFor(async () => (await s1.getAttribute("data-state")) === "down", "S1 is down");
  const branch = page.locator(".branch");
  await branch.waitFor();
  assert.match(await branch.textContent(), /from step 10, 20 steps/);
  // Switch: the old run, at step 10, S1 up; the forked run is now the branch.
  await branch.click();
  await waitFor(async () => (await page.getByTestId("step").textContent()) === "10", "at the step the runs part");
  await waitFor(async () => (await s1.getAttribute("data-state")) === "up", "S1 up in the old run");
  await page.keyboard.press(".");
  assert.equal(await s1.getAttribute("data-state"), "up", "the old future has no crash");
  assert.match(await branch.textContent(), /from step 10, 11 steps/);
  // And back.
  await branch.click();
  await waitFor(async () => (await page.getByTestId("step").textContent()) === "10", "back at the fork");
  await page.keyboard.press(".");
  await waitFor(async () => (await s1.getAttribute("data-state")) === "down", "the crash is there again");
  assert.equal(await page.locator(".put-aside").count(), 0, "switching branches puts nothing aside");
});
