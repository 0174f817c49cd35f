// Properties of the site as a whole, whatever the lab.

import assert from "node:assert/strict";
import { siteTest } from "./harness.mjs";
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
