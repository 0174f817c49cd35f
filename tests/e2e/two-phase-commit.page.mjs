// Page object of the two-phase-commit lab: the UI contract in one place, found by role
// and accessible name (never by CSS class), so a test reads like the scenario it checks.

import assert from "node:assert/strict";
import { accessibleName, waitFor } from "./harness.mjs";

export const PARTICIPANTS = ["Participant 1", "Participant 2", "Participant 3"];
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class TwoPhaseCommitLab {
  constructor(page, server) {
    this.page = page;
    this.server = server;
    this.playButton = page.getByRole("button", { name: "Play", exact: true });
    this.pauseButton = page.getByRole("button", { name: "Pause", exact: true });
    this.stepForwardButton = page.getByRole("button", { name: "Step forward", exact: true });
    this.stepBackButton = page.getByRole("button", { name: "Step back", exact: true });
    this.timeline = page.getByRole("slider", { name: "Timeline", exact: true });
    this.speed = page.getByRole("slider", { name: "Speed", exact: true });
    this.stepCounter = page.getByTestId("step");
    this.eventLog = page.getByRole("list", { name: "Event log", exact: true });
    this.invariants = page.getByRole("region", { name: "Invariants", exact: true });
  }

  /** Loads the site at `hash` ("" = the landing page) and waits for the app to mount. */
  async open(hash = "#/two-phase-commit") {
    // An uncaught error while loading (a bad wasm, a panic on mount) fails at once
    // instead of after the locator's timeout.
    let onError;
    const threw = new Promise((_, reject) => {
      onError = (e) => reject(new Error(`the page threw while loading: ${e.message}`));
      this.page.on("pageerror", onError);
    });
    try {
      await this.page.goto(this.server.url + hash);
      await Promise.race([
        threw,
        (async () => {
          await this.stepCounter.waitFor({ state: "visible" });
          await this.node("Coordinator").waitFor({ state: "visible" });
        })(),
      ]);
    } finally {
      this.page.off("pageerror", onError);
    }
  }

  /** The current step number, as the step counter shows it. */
  async step() {
    const text = (await this.stepCounter.textContent()).trim();
    const n = Number.parseInt(text.replace(/[^\d]/g, ""), 10);
    assert.ok(Number.isInteger(n), `step counter shows ${JSON.stringify(text)}, not a number`);
    return n;
  }

  async waitForStep(predicate, message) {
    return waitFor(async () => {
      const n = await this.step();
      return predicate(n) ? { n } : null;
    }, message).then((r) => r.n);
  }

  /**
   * Steps forward `count` times, one event each, waiting for the counter after each click.
   * Stops early (returning how many steps were taken) if "Step forward" is disabled.
   */
  async stepForward(count = 1) {
    for (let i = 0; i < count; i++) {
      if (await this.stepForwardButton.isDisabled()) return i;
      const before = await this.step();
      await this.stepForwardButton.click();
      await this.waitForStep((n) => n === before + 1, `step ${before} -> ${before + 1}`);
    }
    return count;
  }

  async stepBack(count = 1) {
    for (let i = 0; i < count; i++) {
      const before = await this.step();
      await this.stepBackButton.click();
      await this.waitForStep((n) => n === before - 1, `step ${before} -> ${before - 1}`);
    }
  }

  async play() {
    await this.playButton.click();
    await this.pauseButton.waitFor({ state: "visible" });
  }

  async pause() {
    await this.pauseButton.click();
    await this.playButton.waitFor({ state: "visible" });
  }

  /** A node of the cluster canvas: the button whose name starts with `name`. */
  node(name) {
    return this.page.getByRole("button", { name: new RegExp(`^${escape(name)}(?!\\d)`) });
  }

  /** The node's full accessible name, e.g. "Participant 1 — uncertain (blocked)". */
  async nodeLabel(name) {
    return accessibleName(this.node(name));
  }

  async participantLabels() {
    return Promise.all(PARTICIPANTS.map((p) => this.nodeLabel(p)));
  }

  /** Selects a node and clicks one of its actions ("Crash", "Restart", "Vote No" ...). */
  async nodeAction(name, action) {
    await this.node(name).click();
    await this.page.getByRole("button", { name: action, exact: true }).click();
  }

  /**
   * The event log's lines as text, one per line (step, time and sentence): what a reader
   * scrolls through. Not `innerText`: lines scrolled out of view are not rendered
   * (`content-visibility: auto`), and `innerText` leaves them out.
   */
  async logText() {
    return this.eventLog
      .getByRole("listitem")
      .evaluateAll((lis) => lis.map((li) => [...li.querySelectorAll("span")].map((s) => s.textContent).join(" ")).join("\n"));
  }

  /** The data-step of every line the event log shows, in order. */
  async eventSteps() {
    return this.eventLog
      .getByRole("listitem")
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute("data-step"))));
  }

  /** The data-step of the line(s) marked aria-current="step". */
  async currentEventSteps() {
    return this.eventLog
      .locator('li[aria-current="step"]')
      .evaluateAll((lis) => lis.map((li) => Number(li.getAttribute("data-step"))));
  }

  /** Checks that the step counter, the timeline and the event log agree. */
  async assertLogMatchesStep() {
    const step = await this.step();
    assert.equal(Number(await this.timeline.inputValue()), step, "Timeline slider value = step");
    const steps = await this.eventSteps();
    assert.equal(steps.filter((s) => s < step).length, step, `event lines before step ${step}: ${steps}`);
    assert.deepEqual(await this.currentEventSteps(), step > 0 ? [step - 1] : [], "aria-current line");
    // The log's own scroll box keeps the current line in view (it follows in a task).
    const inView = () =>
      this.eventLog.evaluate((ol) => {
        const c = ol.querySelector("[aria-current]");
        return !c || (c.offsetTop >= ol.scrollTop - 1 && c.offsetTop + c.offsetHeight <= ol.scrollTop + ol.clientHeight + 1);
      });
    await waitFor(inView, `the current line of step ${step} is in the log's view`);
    return step;
  }

  /** The invariant monitor's lines, e.g. ["Atomicity — OK", ...]. */
  async invariantLines() {
    const items = this.invariants.getByRole("listitem");
    const texts = (await items.count()) > 0 ? await items.allInnerTexts() : [await this.invariants.innerText()];
    return texts.map((t) => t.replace(/\s+/g, " ").trim()).filter(Boolean);
  }
}
