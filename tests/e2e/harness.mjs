// The e2e harness: serves dist/, drives the system Chromium through playwright-core, and
// fails a test when the page throws or logs an error. Never downloads a browser.
//
//   siteTest("name", async ({ page, server, shot }) => { ... });

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "./server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.resolve(process.env.E2E_DIST ?? path.join(here, "..", "..", "dist"));
export const SCREENSHOTS = path.join(here, "screenshots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Default wait for the page to react; generous because CI has 2 cores. */
export const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);

const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

/**
 * Opens a fresh browser (fresh temp profile) on a fresh server for one test.
 * `allowConsoleErrors` lists regexps of console errors the test expects; `locale` sets
 * the browser's language (`navigator.languages`).
 */
export async function openSession(testName, { allowConsoleErrors = [], locale = "en-US" } = {}) {
  if (!existsSync(path.join(DIST, "index.html"))) {
    throw new Error(`${DIST}/index.html not found: run \`trunk build --release --offline\` first`);
  }
  const server = await startServer(DIST);
  const profile = await mkdtemp(path.join(os.tmpdir(), "e2e-chromium-"));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
      locale,
      timeout: 60_000,
    });
  } catch (e) {
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
  context.setDefaultTimeout(TIMEOUT_MS);

  // Every request the page makes; any other origin than the server's is blocked and noted.
  const requests = [];
  const foreign = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    requests.push(url);
    const local = url.startsWith(server.origin + "/") || /^(data|blob):/.test(url);
    if (local) return route.continue();
    foreign.push(url);
    return route.abort("blockedbyclient");
  });

  const errors = [];
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("pageerror", (err) => errors.push(`uncaught: ${err.stack ?? err.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    // The browser asks for /favicon.ico by itself; its 404 is not the page's error.
    if (new URL(msg.location().url || "about:blank").pathname === "/favicon.ico") return;
    const where = msg.location().url ? ` (${msg.location().url})` : "";
    if (!allowConsoleErrors.some((re) => re.test(text))) errors.push(`console.error: ${text}${where}`);
  });
  page.on("crash", () => errors.push("the page crashed"));

  const prefix = slug(testName);
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const f of await readdir(SCREENSHOTS)) {
    if (f.startsWith(prefix + "-")) await rm(path.join(SCREENSHOTS, f), { force: true });
  }
  let shots = 0;
  const shot = async (stage) => {
    shots += 1;
    const file = path.join(SCREENSHOTS, `${prefix}-${String(shots).padStart(2, "0")}-${slug(stage)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  const close = async () => {
    await context.close().catch(() => {});
    await server.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { page, context, server, requests, foreign, errors, shot, close };
}

/**
 * A test with its own browser and server. It fails if the page throws or logs an error
 * (beyond `options.allowConsoleErrors`); a failing test leaves a "failure" screenshot.
 */
export function siteTest(name, fn, options = {}) {
  test(name, { timeout: options.timeout ?? 180_000 }, async (t) => {
    const s = await openSession(name, options);
    try {
      await fn(s, t);
      assert.deepEqual(s.errors, [], "the page threw or logged errors");
    } catch (e) {
      await s.shot("failure").catch(() => {});
      // Page errors first: they are usually why a locator then timed out.
      if (s.errors.length) throw new Error(`page errors:\n  ${s.errors.join("\n  ")}\nthen: ${e.message}`, { cause: e });
      throw e;
    } finally {
      await s.close();
    }
  });
}

/** Polls `fn` until it returns a truthy value, which is returned; throws `message` on timeout. */
export async function waitFor(fn, message, timeoutMs = TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The accessible name of the element `locator` points at, as the browser's accessibility
 * tree computes it (so it works for aria-label, aria-labelledby, <title> and text).
 */
export async function accessibleName(locator) {
  const snapshot = await locator.ariaSnapshot();
  const m = /^- [\w-]+ ("(?:[^"\\]|\\.)*")/.exec(snapshot);
  if (m) return JSON.parse(m[1]);
  const bare = /^- [\w-]+ ([^:\[\n]+?)(?: \[|:|$)/m.exec(snapshot);
  if (bare) return bare[1].trim();
  return ((await locator.getAttribute("aria-label")) ?? (await locator.textContent()) ?? "").trim();
}
