// The site in 简体中文: the switch keeps the run, links and reloads keep the language,
// a first visit follows the browser, and every lab reads in Chinese without overflowing.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

/** The Latin words Chinese keeps (message names, the papers' variables…): the native
 * catalog test's list, read from its source so the two never drift apart. */
const KEPT = (() => {
  const src = readFileSync(new URL("../../src/i18n/tests.rs", import.meta.url), "utf8");
  const list = src.slice(src.indexOf("KEPT_IN_ENGLISH"), src.indexOf("];", src.indexOf("KEPT_IN_ENGLISH")));
  return new Set([...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]));
})();

/** Every English word on the page: its text (hidden parts too: closed panels, the help,
 * SVG titles) and its labels (aria-label, title, placeholder). Words with digits are
 * data (S1, T2, key-0803). */
async function englishOnPage(page) {
  const texts = await page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      if (!n.parentElement.closest("script, style, noscript")) out.push(n.nodeValue);
    }
    for (const e of document.body.querySelectorAll("[aria-label], [title], [placeholder]")) {
      for (const a of ["aria-label", "title", "placeholder"]) if (e.hasAttribute(a)) out.push(e.getAttribute(a));
    }
    return out;
  });
  const words = new Set();
  for (const t of texts) {
    for (const w of t.split(/[^A-Za-z0-9_-]+/)) {
      if (/\d/.test(w)) continue;
      for (const x of w.split("-")) if (x.length > 2 && !KEPT.has(x)) words.add(x);
    }
  }
  // The language switch names each language in its own words.
  words.delete("English");
  return [...words];
}

/** Opens `hash` as a fresh page load (a link pasted into a new tab), not a hash change. */
const openLink = async (page, server, hash) => {
  await page.goto("about:blank");
  await page.goto(server.url + hash);
  await page.getByTestId("step").waitFor();
};
const htmlLang = (page) => page.evaluate(() => document.documentElement.lang);
const langButton = (page, name) => page.getByRole("button", { name, exact: true });

siteTest("switching to 中文 mid-run keeps the run, the step and the selection, and a link or a reload keeps the language", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  await lab.open();
  await lab.stepForward(12);
  await lab.node("Participant 1").click();
  const before = await lab.step();
  const seedBefore = await page.getByTestId("seed").textContent().catch(() => null);
  assert.match(await lab.logText(), /Coordinator|Participant/);
  assert.equal(await htmlLang(page), "en");

  await langButton(page, "中文").click();
  await waitFor(async () => (await htmlLang(page)) === "zh-CN", "<html lang> follows the switch");
  assert.equal(await lab.step(), before, "the step is kept");
  assert.equal(await page.getByTestId("seed").textContent().catch(() => null), seedBefore, "the run is kept");
  await lab.node("参与者 1").waitFor();
  assert.equal(await lab.node("参与者 1").getAttribute("aria-pressed"), "true", "the selection is kept");
  assert.ok(await page.getByRole("heading", { name: /参与者 1/ }).count(), "the inspector names the selected node in Chinese");
  const log = await page
    .getByRole("list", { name: "事件日志", exact: true })
    .getByRole("listitem")
    .evaluateAll((lis) => lis.map((li) => li.textContent).join("\n"));
  assert.match(log, /协调者|参与者/, "the event log speaks Chinese");
  assert.doesNotMatch(log, /Coordinator|Participant|participant/, "no English sentence is left");
  assert.ok(await page.getByRole("link", { name: "两阶段提交" }).count(), "the tabs speak Chinese");
  assert.equal(await page.title(), "分布式协议演练场");
  await shot("switched-to-chinese");

  // The URL follows once the frame is drawn; a reload (or the link, shared) opens in 中文.
  await waitFor(async () => page.url().includes("lang=zh"), "the URL keeps the language");
  await page.reload();
  await lab.stepCounter.waitFor();
  assert.equal(await htmlLang(page), "zh-CN", "a reload keeps 中文");
  assert.equal(await lab.step(), before, "and the step");

  await langButton(page, "English").click();
  await waitFor(async () => (await htmlLang(page)) === "en", "back to English");
  assert.match(await lab.logText(), /Coordinator|Participant/);
  await waitFor(async () => page.url().includes("lang=en"), "the URL says English again");
});

siteTest(
  "a first visit follows the browser's languages, a link's lang wins, and a choice is remembered",
  async ({ page, server }) => {
    await openLink(page, server, "#/raft");
    assert.equal(await htmlLang(page), "zh-CN", "navigator.languages zh-CN gives 中文");
    assert.equal(await langButton(page, "中文").getAttribute("aria-pressed"), "true");

    await openLink(page, server, "#/paxos?lang=en");
    assert.equal(await htmlLang(page), "en", "a link shared in English opens in English");

    await langButton(page, "中文").click();
    await langButton(page, "English").click();
    await openLink(page, server, "#/sharding");
    assert.equal(await htmlLang(page), "en", "the reader's own choice (English) is remembered over the browser's");
  },
  { locale: "zh-CN" },
);

siteTest("every lab reads in Chinese at 1024×768 with nothing wider than the window", async ({ page, server, shot }) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  for (const lab of ["two-phase-commit", "raft", "paxos", "sharding", "load-balancing"]) {
    await openLink(page, server, `#/${lab}?lang=zh`);
    for (let i = 0; i < 40; i++) await page.keyboard.press("ArrowRight");
    await page.locator("g.node").first().locator(".node-body").click();
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${lab}: the page is ${wide} px wider than the window`);
    const text = await page.locator("body").innerText();
    assert.match(text, /播放|暂停/, `${lab}: the transport speaks Chinese`);
    // Everything a student can open: the configuration, the help, a message's fields.
    for (const d of await page.locator("details").all()) await d.evaluate((e) => (e.open = true));
    await page.keyboard.press("?");
    const english = await englishOnPage(page);
    assert.deepEqual(english, [], `${lab}: English left on the page in Chinese`);
    await page.keyboard.press("Escape");
    await shot(`${lab}-zh-1024`);
  }
  // A phone: the header and the transport wrap instead of running off the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const lang of ["zh", "en"]) {
    await openLink(page, server, `#/raft?lang=${lang}`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(wide <= 0, `${lang} at 390 px: the page is ${wide} px wider than the window`);
    await shot(`raft-${lang}-390`);
  }
});
