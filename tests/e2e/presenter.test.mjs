// Presenter mode on a 1024×768 projector: the canvas fills the window, its text and the
// caption are readable from the back row (≥ 24 px), the caption follows the step, and
// everything is driven from the keyboard. Canvas text follows the reader's font size,
// and message labels never overlap each other or a node in the busy moments.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";

const stepOf = async (page) => Number((await page.getByTestId("step").textContent()).trim());
const waitStep = (page, n, what) => waitFor(async () => (await stepOf(page)) === n, `${what}: step ${n}`);
/** The size text is drawn at on screen, in CSS pixels (an SVG's text scales with it). */
const drawnPx = (page, selector) =>
  page.locator(selector).first().evaluate((el) => {
    const scale = el instanceof SVGElement ? el.getScreenCTM().a : 1;
    return Math.round(10 * scale * parseFloat(getComputedStyle(el).fontSize)) / 10;
  });
const presenting = (page) => page.locator(".app").evaluate((el) => el.classList.contains("presenting"));

siteTest("presenter mode: a full-window canvas, text of 24 px or more, a caption that follows the step", async ({ page, server, shot }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(server.url + "#/two-phase-commit");
  await page.getByTestId("step").waitFor();
  for (let i = 0; i < 5; i++) await page.keyboard.press(".");
  await waitStep(page, 5, "five steps");
  const normal = await drawnPx(page, ".node-name");
  assert.ok(normal >= 12, `node names at 1024×768 are ${normal} px (were 7.9)`);

  await page.keyboard.press("f");
  await waitFor(() => presenting(page), "F turns presenter mode on");
  assert.equal(await page.locator(".topbar").isVisible(), false, "the header is hidden");
  assert.equal(await page.locator(".side").isVisible(), false, "the sidebar is hidden");
  assert.equal(await page.locator(".event-log").isVisible(), false, "the event log gives way to the caption");
  const button = page.getByRole("button", { name: "Exit presenter mode", exact: true });
  assert.equal(await button.getAttribute("aria-pressed"), "true");

  // The canvas takes the window's height, less the caption and the compact transport.
  const svg = await page.locator("svg.cluster").boundingBox();
  assert.ok(svg.height >= 420 && svg.width >= 980, `the canvas is ${svg.width}×${svg.height}`);
  const transport = await page.locator(".transport").boundingBox();
  assert.ok(transport.y + transport.height <= 768, "the transport is on screen");

  // Text for the back row: node names, status lines, and the caption.
  await waitFor(async () => (await drawnPx(page, ".node-name")) >= 24, "node names of 24 px or more");
  assert.ok((await drawnPx(page, ".node-status")) >= 24, "status lines of 24 px or more");
  assert.ok((await drawnPx(page, ".caption-now")) >= 24, "a caption of 24 px or more");

  // The caption is the current step's sentence, with the one before it above.
  const caption = page.getByRole("region", { name: "What just happened", exact: true });
  const now = () => caption.locator(".caption-now").textContent();
  assert.match(await now(), /^4 /, "the caption tells step 4 (the cursor is after it)");
  assert.match(await caption.locator(".caption-before").textContent(), /^3 /);
  await page.keyboard.press("PageDown");
  await waitStep(page, 6, "a clicker's next step");
  await waitFor(async () => /^5 /.test(await now()), "the caption follows the step");
  await shot("presenter-1024");

  // The other keys work as in the page; Escape first clears the selection, then leaves.
  await page.keyboard.press("2");
  await page.keyboard.press("c");
  await waitFor(async () => /crash/i.test(await now()), "C crashes the selected node, told in the caption");
  await page.keyboard.press("Escape");
  assert.ok(await presenting(page), "the first Escape only clears the selection");
  await page.keyboard.press("Escape");
  await waitFor(async () => !(await presenting(page)), "Escape leaves presenter mode");
  assert.ok(await page.locator(".topbar").isVisible(), "the header is back");

  // The button does the same, in Chinese too.
  await page.getByRole("button", { name: "中文", exact: true }).click();
  await page.getByRole("button", { name: "演示模式", exact: true }).click();
  await waitFor(() => presenting(page), "the button turns presenter mode on");
  await page.getByRole("region", { name: "刚刚发生了什么", exact: true }).waitFor();
  await shot("presenter-1024-zh");
  await page.getByRole("button", { name: "退出演示模式", exact: true }).click();
  await waitFor(async () => !(await presenting(page)), "the button turns it off");
});

siteTest("canvas text follows the reader's font size", async ({ page, server }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  await waitFor(async () => Math.abs((await drawnPx(page, ".node-name")) - 12.8) < 0.3, "0.8 rem of a 16 px root");
  await page.evaluate(() => document.documentElement.style.setProperty("font-size", "20px"));
  await page.setViewportSize({ width: 1360, height: 768 });
  await waitFor(async () => Math.abs((await drawnPx(page, ".node-name")) - 16) < 0.3, "0.8 rem of a 20 px root");
});

/** Boxes of the message labels drawn now, and of the nodes' circles. */
const boxes = (page) =>
  page.evaluate(() => {
    const rect = (el) => {
      const r = el.getBoundingClientRect();
      return { x0: r.left, y0: r.top, x1: r.right, y1: r.bottom, text: el.textContent };
    };
    const shown = (el) => getComputedStyle(el).display !== "none" && el.textContent.trim() !== "";
    return {
      labels: [...document.querySelectorAll(".msg-label")].filter(shown).map(rect),
      nodes: [...document.querySelectorAll(".node-body")].map(rect),
    };
  });
const hits = (a, b) => a.x0 < b.x1 - 1 && b.x0 < a.x1 - 1 && a.y0 < b.y1 - 1 && b.y0 < a.y1 - 1;

for (const [lab, steps] of [
  ["two-phase-commit", 40],
  ["raft", 80],
]) {
  siteTest(`no two message labels overlap, nor a label a node (${lab})`, async ({ page, server, shot }) => {
    for (const [width, height, present] of [
      [1366, 768, false],
      [1024, 768, true],
    ]) {
      await page.setViewportSize({ width, height });
      await page.goto(server.url + `#/${lab}`);
      await page.reload();
      await page.getByTestId("step").waitFor();
      if (present) {
        await page.keyboard.press("f");
        await waitFor(() => presenting(page), "presenter mode");
      }
      let most = 0;
      for (let step = 1; step <= steps; step++) {
        await page.keyboard.press(".");
        await waitStep(page, step, "stepping");
        const { labels, nodes } = await boxes(page);
        most = Math.max(most, labels.length);
        for (const [i, a] of labels.entries()) {
          for (const b of labels.slice(i + 1)) {
            assert.ok(!hits(a, b), `step ${step} at ${width}×${height}: “${a.text}” overlaps “${b.text}”`);
          }
          for (const n of nodes) assert.ok(!hits(a, n), `step ${step} at ${width}×${height}: “${a.text}” covers a node`);
        }
      }
      assert.ok(most >= 2, `some steps have several labels (${most})`);
      await shot(`${lab}-${width}`);
    }
  });
}

siteTest("on a phone, a selected node's inspector is a sheet under the canvas, closed by its button", async ({ page, server, shot }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `the page is ${wide} px wider than the phone`);
  await page.locator("g.node").first().locator(".node-body").click();
  const sheet = page.locator(".inspector.open");
  await sheet.waitFor();
  const box = await sheet.boundingBox();
  assert.ok(Math.abs(box.y + box.height - 844) <= 1, `the sheet sits on the bottom edge (${box.y}+${box.height})`);
  assert.ok(box.y >= 844 * 0.5, "and leaves the top half to the canvas");
  const node = await page.locator("g.node").first().locator(".node-body").boundingBox();
  assert.ok(node.y >= 0 && node.y + node.height <= box.y, "the selected node stays in view above the sheet");
  await shot("phone-sheet");
  await sheet.getByRole("button", { name: "Close", exact: true }).click();
  await waitFor(async () => (await page.locator(".inspector.open").count()) === 0, "Close clears the selection");
});

siteTest("a lesson in presenter mode: the player beside the canvas, its words of 24 px or more, driven by a clicker", async ({ page, server, shot }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(`${server.url}#/two-phase-commit/lesson/blocking?beat=2&lang=en`);
  await page.locator(".lesson-player").waitFor();
  await page.keyboard.press("f");
  await waitFor(() => presenting(page), "presenter mode");
  const player = await page.locator(".lesson-player").boundingBox();
  const canvas = await page.locator("svg.cluster").boundingBox();
  assert.ok(player.x >= canvas.x + canvas.width - 1, "the player is beside the canvas");
  assert.ok(canvas.width >= 550, `the canvas keeps most of the width (${canvas.width})`);
  assert.ok((await drawnPx(page, ".beat-text")) >= 24, "the beat's words are 24 px or more");
  // The canvas is narrower beside the player: its text stays within the drawing's room.
  assert.ok((await drawnPx(page, ".node-name")) >= 18, "node names stay large");
  assert.equal(await page.locator(".caption").isVisible(), false, "the beat takes the caption's place");
  const beat = async () => Number((await page.locator(".lesson-progress").textContent()).split("/")[0].trim());
  await page.keyboard.press("PageDown");
  await page.keyboard.press("PageDown");
  await waitFor(async () => (await beat()) === 3, "a clicker's PageDown continues the lesson");
  await shot("lesson-presenting");
});
