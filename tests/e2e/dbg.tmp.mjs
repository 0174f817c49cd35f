import { openSession } from "./harness.mjs";
import { BUSY, startPlaying } from "./perf.mjs";
const s = await openSession("dbg");
try {
  const { page } = s;
  page.on("console", (m) => console.log("console:", m.text().slice(0, 300)));
  page.on("pageerror", (e) => console.log("pageerror:", String(e).slice(0, 300)));
  await startPlaying(page, s.server.url + BUSY, 100);
  await page.waitForTimeout(2000);
  console.log((await page.locator(".transport").innerText()).slice(0, 300));
} finally { await s.close(); }
