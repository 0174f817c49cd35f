// Lessons: every lab offers one first ("Start here", above the fold on a projector), and
// its first lesson can be walked to the end in English and in 中文 with Continue, Back,
// a prediction and a try; links open a lesson at a beat; leaving keeps the run; a link
// to a lesson that does not exist says so and leaves the lab usable.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";

const LABS = ["two-phase-commit", "raft", "paxos", "sharding", "load-balancing"];

const progress = async (page) => {
  const t = await page.locator(".lesson-progress").textContent();
  const [n, total] = t.split("/").map((x) => Number(x.trim()));
  return { n, total };
};
const nextButton = (page) => page.locator(".lesson-next");

/** Waits until Continue can be pressed (the beat's animation is over or can be skipped). */
const continueReady = (page) =>
  waitFor(async () => !(await nextButton(page).isDisabled()) || (await nextButton(page).isHidden()), "Continue is enabled");

/** Does what the beat asks (picks the first answer of a prediction, lets "Show me" give a
 * try's input unless `own` does it), then Continue, skipping an animation on the way.
 * Returns the kind of beat it was. */
async function takeBeat(page, own) {
  let kind = "say";
  if (await page.locator(".answer:not([disabled])").count()) {
    kind = "predict";
    await page.locator(".answer").first().click();
    // The verdict shows once the reveal has played (Continue » skips to it).
    if ((await nextButton(page).textContent()).includes("»")) await nextButton(page).click();
    await page.locator(".verdict").waitFor();
    assert.equal(await page.locator(".answer.key").count(), 1, "the answer key is marked after the reveal");
  } else if (await page.locator(".show-me:visible").count()) {
    kind = "try";
    assert.ok(await nextButton(page).isDisabled(), "a try waits for the student");
    if (!(await own?.(page))) await page.locator(".show-me").click();
    await page.locator(".try-status").filter({ hasText: /Done|完成/ }).waitFor();
  }
  await continueReady(page);
  if ((await nextButton(page).textContent()).includes("»")) {
    await nextButton(page).click();
    await continueReady(page);
  }
  if (await nextButton(page).isVisible()) await nextButton(page).click();
  return kind;
}

for (const lang of ["en", "zh"]) {
  siteTest(`each lab's first lesson walks to its end in ${lang}: Start here, Continue, Back, a prediction and a try`, async ({ page, server, shot }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const lab of LABS) {
      await page.goto("about:blank");
      await page.goto(`${server.url}#/${lab}?lang=${lang}`);
      await page.getByTestId("step").waitFor();
      // The lessons come first: "Start here" is on screen without scrolling.
      const start = page.locator(".start-here");
      const box = await start.boundingBox();
      assert.ok(box && box.y + box.height <= 768, `${lab}: Start here is above the fold at 1024×768`);
      await start.click();
      await page.locator(".lesson-player").waitFor();
      assert.match(page.url(), new RegExp(`#/${lab}/lesson/[a-z0-9-]+\\?beat=1&lang=${lang}`));
      if (lang === "zh") assert.match(await page.locator(".beat-text").textContent(), /\p{Script=Han}/u, "the lesson speaks Chinese");
      const { total } = await progress(page);
      assert.ok(total >= 3, `${lab}: the lesson has beats`);
      const kinds = new Set();
      let backed = false;
      let shotTaken = false;
      for (let guard = 0; guard < 40 && !(await nextButton(page).isHidden()); guard++) {
        const before = (await progress(page)).n;
        if (!shotTaken && (await page.locator(".answer:not([disabled])").count())) {
          await shot(`lesson-${lab}-predict-${lang}`);
          shotTaken = true;
        }
        kinds.add(await takeBeat(page, null));
        await waitFor(async () => (await nextButton(page).isHidden()) || (await progress(page)).n !== before, "the beat changes");
        if (await nextButton(page).isHidden()) break;
        const after = (await progress(page)).n;
        assert.equal(after, before + 1, `${lab}: Continue moves one beat on (at ${before})`);
        // Once, Back goes to the previous beat and Continue comes back.
        if (!backed && after >= 3) {
          backed = true;
          await page.locator(".lesson-nav button").first().click();
          await waitFor(async () => (await progress(page)).n === after - 1, "Back goes one beat back");
          await waitFor(() => page.url().includes(`beat=${after - 1}&`), "the link follows the beat");
          await takeBeat(page, null);
          await waitFor(async () => (await progress(page)).n === after, "Continue comes back");
        }
      }
      assert.ok(await page.locator(".lesson-end").isVisible(), `${lab}: the lesson ends with what next`);
      assert.ok(kinds.has("predict") && kinds.has("try"), `${lab}: the lesson asks and lets the student act (${[...kinds]})`);
      await shot(`lesson-${lab}-end-${lang}`);
    }
  }, { timeout: 400_000 });
}

siteTest("a lesson link opens at its beat, a card opens its beat, leaving keeps the run, and a wrong lesson is told", async ({ page, server }) => {
  await page.goto(`${server.url}#/raft/lesson/figure-8?beat=6&lang=en`);
  await page.locator(".lesson-player").waitFor();
  assert.equal((await progress(page)).n, 6, "the link's beat");
  // Another tab and back: the lesson goes on at its beat, on its run.
  const atBeat = await page.getByTestId("step").textContent();
  await page.getByRole("link", { name: "Paxos", exact: true }).click();
  await waitFor(async () => (await page.locator(".lesson-player").count()) === 0, "Paxos has no lesson open");
  await page.getByRole("link", { name: "Raft", exact: true }).click();
  await page.locator(".lesson-player").waitFor();
  assert.equal((await progress(page)).n, 6, "the lesson is back at its beat");
  assert.equal(await page.getByTestId("step").textContent(), atBeat, "on its run, at its step");
  await waitFor(() => page.url().includes("/raft/lesson/figure-8?beat=6"), "the link names the lesson again");
  // Leaving keeps the run where it is, as a run like any other.
  const step = await page.getByTestId("step").textContent();
  await page.locator(".lesson-head .leave").click();
  await page.locator(".start-here").waitFor();
  assert.equal(await page.getByTestId("step").textContent(), step, "the run stays at its step");
  await waitFor(() => page.url().includes("run="), "the URL holds the run again");
  // A misconception card's "See it in a run" opens its lesson at its beat.
  await page.locator(".lessons summary").nth(1).click();
  await page.locator(".myth a").first().click();
  await page.locator(".lesson-player").waitFor();
  assert.match(page.url(), /#\/raft\/lesson\/[a-z0-9-]+\?beat=\d+/);
  // A prepared run opens as a plain run at a lesson's end.
  await page.locator(".lesson-head .leave").click();
  await page.locator(".lessons summary").last().click();
  await page.locator(".ends button").first().click();
  await waitFor(() => page.url().includes("run="), "a prepared run is a share link");
  assert.equal(await page.locator(".lesson-player").count(), 0);
  assert.ok(Number(await page.getByTestId("step").textContent()) > 0, "it stands at the lesson's end");
  // A presentation clicker drives a lesson: PageDown is Continue, PageUp is Back.
  await page.goto(`${server.url}#/two-phase-commit/lesson/happy-path?beat=1&lang=en`);
  await page.locator(".lesson-player").waitFor();
  // (The first press may skip the beat's animation to its end, as Continue does.)
  for (let i = 0; i < 3 && (await progress(page)).n === 1; i++) {
    await page.keyboard.press("PageDown");
    await page.waitForTimeout(300);
  }
  assert.equal((await progress(page)).n, 2, "PageDown continues");
  await page.keyboard.press("PageUp");
  await waitFor(async () => (await progress(page)).n === 1, "PageUp goes back");
  // A try done by hand, as a student would: 2PC's blocking lesson waits for the
  // coordinator's crash; crashing a participant is not it; selecting C and pressing C is.
  await page.goto(`${server.url}#/two-phase-commit/lesson/blocking?beat=3&lang=en`);
  await page.locator(".show-me").waitFor();
  assert.ok(await nextButton(page).isDisabled());
  await page.locator("g.node").nth(1).locator(".node-body").click();
  await page.keyboard.press("c");
  await page.waitForTimeout(200);
  assert.ok(await nextButton(page).isDisabled(), "another node's crash is not what the lesson waits for");
  await page.locator("g.node").first().locator(".node-body").click();
  await page.keyboard.press("c");
  await page.locator(".try-status").filter({ hasText: "Done" }).waitFor();
  assert.ok(!(await nextButton(page).isDisabled()), "the crash of C lets the lesson go on");
  // A lesson that does not exist: a message, and the lab still works.
  await page.goto(`${server.url}#/paxos/lesson/nope`);
  await page.locator(".notice").filter({ hasText: "nope" }).waitFor();
  await page.locator(".start-here").waitFor();
});

siteTest("lessons that cannot be fetched are told in the page, and the lab works without them", async ({ page, server }) => {
  // Lesson files are fetched beside the site when a lab's lessons are first wanted.
  await page.route("**/lessons/**", (route) => route.abort());
  await page.goto(`${server.url}#/raft/lesson/figure-8?lang=en`);
  await page.getByTestId("step").waitFor();
  await page.locator(".notice.error").filter({ hasText: "could not be loaded" }).waitFor();
  await page.locator(".lessons .error").filter({ hasText: "could not be loaded" }).waitFor();
  // The lab itself still steps.
  await page.getByRole("button", { name: /Step forward/ }).click();
  await waitFor(async () => Number(await page.getByTestId("step").textContent()) > 0, "the lab steps");
}, { allowConsoleErrors: [/Failed to load resource|ERR_FAILED/] });
