// What the performance tools share: run links, and a lab opened and playing at a speed.

/** A run link of `protocol` with `config` (seed 1, nothing recorded yet). */
export const runLink = (protocol, config) =>
  "#/" + protocol + "?run=" + encodeURIComponent(JSON.stringify({ format: 1, protocol, seed: 1, steps: 0, config }));

/** The busiest case: load balancing, 4 clients at 1000/s, 16 backends. */
export const BUSY = runLink("load-balancing", { clients: 4, backends: 16, rate: 1000 });

/** Speed slider position for a speed (logarithmic, 0.1× to 100× over 0..30). */
const sliderFor = (speed) => String(Math.round(((Math.log10(speed) + 1) / 3) * 30));

/** Opens `url`, refuses a link the page rejects, and plays at `speed` for `warmMs`. */
export async function startPlaying(page, url, speed, warmMs = 2000) {
  await page.goto(url);
  await page.getByTestId("step").waitFor({ state: "visible" });
  const alert = page.getByRole("alert");
  if (await alert.count()) throw new Error(`${url}: ${await alert.first().textContent()}`);
  await page.getByRole("slider", { name: "Speed", exact: true }).fill(sliderFor(speed));
  await page.getByRole("button", { name: "Play", exact: true }).click();
  await page.waitForTimeout(warmMs);
}
