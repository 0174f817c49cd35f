// The presenter's keyboard: every hotkey the help lists, driven from the keyboard alone,
// each with a visible effect; and selecting pauses, so a message can be dropped at 1×.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";

const stepOf = async (page) => Number((await page.getByTestId("step").textContent()).trim());
const waitStep = (page, n, what) => waitFor(async () => (await stepOf(page)) === n, `${what}: step ${n}`);
const logText = (page) =>
  page
    .getByRole("list", { name: "Event log", exact: true })
    .getByRole("listitem")
    .evaluateAll((lis) => lis.map((li) => li.textContent).join("\n"));
const node = (page, name) => page.locator(`g.node[aria-label^="${name} "]`);
const speed = (page) => page.locator(".speed output").textContent();

siteTest("every hotkey works from the keyboard alone, and selecting pauses", async ({ page, server, shot }) => {
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  const keys = async (...ks) => {
    for (const k of ks) await page.keyboard.press(k);
  };

  // Stepping as a presentation clicker does, and the two ends.
  await keys("PageDown");
  await waitStep(page, 1, "PageDown steps forward");
  await keys(".");
  await waitStep(page, 2, '"." steps forward');
  await keys("PageUp");
  await waitStep(page, 1, "PageUp steps back");
  for (let i = 0; i < 30; i++) await keys(".");
  await waitStep(page, 31, "thirty more steps");
  await keys("Home");
  await waitStep(page, 0, "Home goes to the first step");
  await keys("End");
  await waitStep(page, 31, "End goes to the last step");

  // A digit selects a node, and selecting pauses playback.
  await keys("Space");
  await page.getByRole("button", { name: "Pause", exact: true }).waitFor();
  await keys("3");
  await page.getByRole("button", { name: "Play", exact: true }).waitFor();
  assert.equal(await node(page, "S3").getAttribute("aria-pressed"), "true", "3 selects S3");

  // C crashes the selected node, and C again restarts it.
  await keys("c");
  await waitFor(async () => (await node(page, "S3").getAttribute("data-state")) === "down", "C crashes S3");
  await keys("C");
  await waitFor(async () => (await node(page, "S3").getAttribute("data-state")) === "up", "C restarts S3");

  // R sends the lab's main request (a client write, through the leader if there is one);
  // T times the selected server out (any but the leader offers it).
  await keys("Escape", "r");
  await waitFor(async () => /a client asks it to write/.test(await logText(page)), "R writes");
  for (const n of ["1", "2"]) {
    await keys(n, "t");
  }
  await waitFor(async () => /you told it to time out now/.test(await logText(page)), "T times a server out");
  await keys("3");

  // P cuts the selected node off from the rest; H heals.
  await keys("p");
  await waitFor(async () => /You partitioned the network/.test(await logText(page)), "P partitions");
  await keys("h");
  await waitFor(async () => /You healed the network/.test(await logText(page)), "H heals");

  // + and − change the speed a notch.
  const before = await speed(page);
  await keys("+");
  await waitFor(async () => (await speed(page)) !== before, "+ speeds up");
  await keys("-");
  await waitFor(async () => (await speed(page)) === before, "− slows down again");

  // A message selected from the in-flight list (by keyboard), then D drops it.
  await keys("Escape");
  for (let i = 0; i < 3; i++) await keys(".");
  const item = page.locator(".side button.link-button").first();
  await item.waitFor();
  await item.focus();
  await keys("Enter");
  await keys("d");
  await waitFor(async () => /You dropped/.test(await logText(page)), "D drops the selected message");
  await shot("after-hotkeys");

  // The help lists them.
  await keys("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts", exact: true });
  await help.waitFor();
  const text = await help.innerText();
  for (const k of ["PageDown", "Home", "1 … 9", "C", "T", "R", "P", "H", "D", "Presenter mode"]) assert.ok(text.includes(k), `the help lists ${k}`);
  // …and what the drawing shows: the marks every lab shares, then Raft's own.
  assert.ok(text.includes("Arc around a node") && text.includes("InstallSnapshot ≤12"), "the help has the legend");
  await shot("help");
});

siteTest("a message in flight is dropped at 1× by clicking it, then Drop", async ({ page, server }) => {
  await page.goto(server.url + "#/two-phase-commit");
  await page.getByTestId("step").waitFor();
  await page.keyboard.press("Space");
  // A moving dot, clicked where it is now, as a hand would (it never stands still for
  // Playwright's stability check while playing). One may land between the look and the
  // click: then the click hits the empty canvas and the next try takes another.
  await waitFor(async () => {
    const box = await page.locator("g.msg .msg-dot").last().boundingBox({ timeout: 500 }).catch(() => null);
    if (!box) return false;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    return (await page.getByRole("button", { name: "Drop", exact: true }).count()) > 0;
  }, "a click on a message in flight selects it");
  assert.ok(await page.getByRole("button", { name: "Play", exact: true }).count(), "selecting paused");
  // Longer than any message takes at 1×: unpaused, it would have landed by now.
  await page.waitForTimeout(1500);
  await page.getByRole("button", { name: "Drop", exact: true }).click();
  await waitFor(async () => /You dropped/.test(await logText(page)), "the message was dropped, not delivered first");
});

/** Samples the first message's place and the step every 80 ms for `ms`: how many times the
 * message moved while the step stayed the same. */
async function movesBetweenSteps(page, ms) {
  return page.evaluate(async (ms) => {
    let moves = 0;
    let last = null;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 80));
      const m = document.querySelector("g.msg");
      const now = { step: document.querySelector('[data-testid="step"]').textContent, at: m?.getAttribute("transform") };
      if (last && m && now.step === last.step && now.at !== last.at) moves += 1;
      last = now;
    }
    return moves;
  }, ms);
}

siteTest("under reduced motion messages jump from step to step, and the switch brings gliding back", async ({ page, server }) => {
  await page.emulateMedia({ reducedMotion: "reduce" });
  await page.goto(server.url + "#/two-phase-commit");
  await page.getByTestId("step").waitFor();
  const glide = page.getByRole("checkbox", { name: "Smooth motion" });
  assert.equal(await glide.isChecked(), false, "off when the system asks for less motion");
  for (let i = 0; i < 6; i++) await page.keyboard.press("-");
  await page.keyboard.press("Space");
  assert.equal(await movesBetweenSteps(page, 2500), 0, "nothing moves between steps");
  await glide.check();
  await waitFor(async () => (await movesBetweenSteps(page, 1500)) > 0, "messages glide again");
});

siteTest("right-clicking a node or a message opens its actions beside it, and they act", async ({ page, server }) => {
  await page.goto(`${server.url}#/raft?lang=en`);
  await page.getByTestId("step").waitFor();
  // Step until a message is in flight.
  for (let i = 0; i < 40 && (await page.locator("g.msg").count()) === 0; i++) await page.keyboard.press(".");
  const node = page.locator("g.node").first();
  await node.click({ button: "right" });
  const menu = page.locator(".ctx-menu");
  await menu.waitFor();
  assert.equal(await menu.getAttribute("role"), "menu");
  assert.match(await menu.locator(".ctx-title").textContent(), /S1/);
  // The first item has the focus; Escape closes the menu.
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("role")), "menuitem");
  await page.keyboard.press("Escape");
  await waitFor(async () => (await menu.count()) === 0, "Escape closes the menu");
  // Crash from the menu: the node goes down, and the menu offers Restart next time.
  await node.click({ button: "right" });
  await menu.getByRole("menuitem", { name: "Crash" }).click();
  await waitFor(async () => (await node.getAttribute("data-state")) === "down", "the node is down");
  assert.equal(await menu.count(), 0, "acting closes the menu");
  await node.click({ button: "right" });
  assert.deepEqual(await menu.getByRole("menuitem").allTextContents(), ["Restart"]);
  // A click elsewhere closes it.
  await page.locator(".intro").click();
  await waitFor(async () => (await menu.count()) === 0, "a click elsewhere closes the menu");
  // A finger held on a node opens the menu too (iOS makes no context menu of it), and
  // the click its lifting makes does not close it.
  const box = await page.locator("g.node").nth(1).boundingBox();
  const at = { pointerType: "touch", isPrimary: true, bubbles: true, clientX: box.x + box.width / 2, clientY: box.y + box.height / 2 };
  await page.locator("g.node").nth(1).dispatchEvent("pointerdown", at);
  await page.waitForTimeout(700);
  await page.locator("g.node").nth(1).dispatchEvent("pointerup", at);
  await page.locator("g.node").nth(1).dispatchEvent("click", at);
  await menu.waitFor();
  assert.match(await menu.locator(".ctx-title").textContent(), /S2/);
  await page.keyboard.press("Escape");
  // A short touch is a tap, not a long press.
  await page.locator("g.node").nth(2).dispatchEvent("pointerdown", at);
  await page.locator("g.node").nth(2).dispatchEvent("pointerup", at);
  await page.waitForTimeout(700);
  assert.equal(await menu.count(), 0, "a tap opens no menu");
  // A message: Drop it from its menu.
  for (let i = 0; i < 60 && (await page.locator("g.msg").count()) === 0; i++) await page.keyboard.press(".");
  const before = await page.locator("g.msg").count();
  assert.ok(before > 0, "a message is in flight");
  await page.locator("g.msg").first().click({ button: "right" });
  await menu.getByRole("menuitem", { name: "Drop" }).click();
  await waitFor(async () => /dropped/i.test(await page.locator(".event-log").textContent()), "the log says the message was dropped");
});
