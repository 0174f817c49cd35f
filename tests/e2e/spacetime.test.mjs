// The space-time diagram: a lane per node and an arrow per message, linked both ways to
// the canvas (a click seeks, pointing at an arrow marks its message on the canvas), and
// saved as an SVG that parses and names the lab and step, or as a PNG.

import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { siteTest, waitFor } from "./harness.mjs";

const stepOf = async (page) => Number((await page.getByTestId("step").textContent()).trim());

siteTest("the space-time diagram seeks on click, marks the message pointed at, and saves pictures", async ({ page, server, shot }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.url + "#/raft");
  await page.getByTestId("step").waitFor();
  for (let i = 0; i < 40; i++) await page.keyboard.press(".");
  await waitFor(async () => (await stepOf(page)) === 40, "forty steps");

  await page.keyboard.press("s");
  const view = page.locator(".spacetime-view");
  await view.locator("svg").waitFor();
  const lanes = await view.locator("svg > text").allTextContents();
  assert.deepEqual(lanes.slice(0, 6), ["S1", "S2", "S3", "S4", "S5", "S6"], "one lane per node");
  const arrows = view.locator(".st-msg");
  assert.ok((await arrows.count()) >= 10, "an arrow per message");
  const nowY = () => view.locator(".st-now").getAttribute("y1");
  const before = await nowY();
  await view.scrollIntoViewIfNeeded();
  await shot("diagram");

  // A click on an arrow goes to just after its delivery; the pink line follows.
  const first = arrows.first();
  const target = Number(await first.getAttribute("data-step"));
  assert.ok(target < 40);
  await first.locator("line").last().dispatchEvent("click");
  await waitFor(async () => (await stepOf(page)) === target, `the click seeks to step ${target}`);
  await waitFor(async () => (await nowY()) !== before, "the line for now moves with the step");

  // Pointing at the arrow of a message in flight marks that message on the canvas.
  const flying = await page.locator("g.msg[data-msg]").evaluateAll((gs) => gs.map((g) => g.dataset.msg));
  const shared = [];
  for (const id of flying) if ((await view.locator(`.st-msg[data-msg="${id}"]`).count()) > 0) shared.push(id);
  assert.ok(shared.length > 0, "messages in flight have arrows");
  await view.locator(`.st-msg[data-msg="${shared[0]}"] line`).last().hover({ force: true });
  await waitFor(
    async () => (await page.locator(`g.msg[data-msg="${shared[0]}"]`).getAttribute("class")).includes("linked"),
    "the canvas marks the message pointed at",
  );

  // Saved as SVG: it parses, and its caption names the lab, the step and the seed.
  const [svgFile] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Save as SVG", exact: true }).click(),
  ]);
  assert.equal(svgFile.suggestedFilename(), `raft-spacetime-step-${target}.svg`);
  const text = await readFile(await svgFile.path(), "utf8");
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, "image/svg+xml");
    return { error: !!doc.querySelector("parsererror"), root: doc.documentElement.localName, text: doc.documentElement.textContent };
  }, text);
  assert.deepEqual([parsed.error, parsed.root], [false, "svg"], "the SVG parses");
  assert.ok(parsed.text.includes(`Raft · step ${target} · seed 1`), "its caption names the lab, step and seed");

  // Saved as PNG at slide resolution.
  const [pngFile] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Save as PNG", exact: true }).click(),
  ]);
  const png = await readFile(await pngFile.path());
  assert.equal(png.subarray(1, 4).toString(), "PNG", "a PNG file");
  assert.equal(png.readUInt32BE(16), 2000, "2000 pixels wide");

  // The canvas is saved too, with its look kept (a file has no stylesheet).
  const [canvasFile] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Save the canvas as SVG", exact: true }).click(),
  ]);
  assert.equal(canvasFile.suggestedFilename(), `raft-canvas-step-${target}.svg`);
  const canvas = await page.evaluate(async (t) => {
    const doc = new DOMParser().parseFromString(t, "image/svg+xml");
    const name = [...doc.querySelectorAll("text")].find((e) => e.textContent.trim() === "S1");
    return {
      error: !!doc.querySelector("parsererror"),
      text: doc.documentElement.textContent,
      classes: doc.querySelectorAll("[class]").length,
      nameSize: name && parseFloat(name.getAttribute("font-size")),
    };
  }, await readFile(await canvasFile.path(), "utf8"));
  assert.equal(canvas.error, false, "the canvas SVG parses");
  assert.ok(canvas.text.includes(`Raft · step ${target} · seed 1`), "with its caption");
  assert.equal(canvas.classes, 0, "styles are written into the drawing, not left to classes");
  assert.ok(canvas.nameSize >= 13, `node names keep their size (${canvas.nameSize})`);
  const [canvasPng] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Save the canvas as PNG", exact: true }).click(),
  ]);
  assert.equal((await readFile(await canvasPng.path())).subarray(1, 4).toString(), "PNG");

  // The caption is in the page's language.
  await page.getByRole("button", { name: "中文", exact: true }).click();
  const [zhFile] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "保存为 SVG", exact: true }).click(),
  ]);
  assert.ok((await readFile(await zhFile.path(), "utf8")).includes(`第 ${target} 步`), "a Chinese caption");
});
