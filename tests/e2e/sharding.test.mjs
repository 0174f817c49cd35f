// The sharding lab in the browser: clients write through the router; a spare server joins,
// the table's version goes up, keys migrate, and the lab reports what moved against the
// ideal, with every invariant holding.

import assert from "node:assert/strict";
import { siteTest, waitFor } from "./harness.mjs";
import { TwoPhaseCommitLab } from "./two-phase-commit.page.mjs";

siteTest("sharding: a server joins under load, keys migrate, and the move is measured", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server); // the transport, log and node locators are shared
  await page.goto(server.url + "#/sharding");
  for (const n of ["Server 1", "Server 5", "Router", "Client 1"]) {
    await lab.node(n).waitFor({ state: "visible" });
  }
  assert.match(await lab.nodeLabel("Server 5"), /not in the table/, "Server 5 starts as a spare");
  await lab.speed.fill("60");
  await lab.play();
  await waitFor(async () => /^Server 1 — ([3-9]\d|\d{3,}) keys/.test(await lab.nodeLabel("Server 1")), "writes reach the servers");
  await lab.pause();

  await lab.nodeAction("Server 5", "Add server");
  assert.match(await lab.logText(), /Router makes routing table v2: Server 1, Server 2, Server 3, Server 4, Server 5/);
  await lab.play();
  await waitFor(async () => /table v2: 5 servers · \d+ in flight/.test(await lab.nodeLabel("Router")), "the migration ends");
  await lab.pause();
  assert.match(await lab.nodeLabel("Server 5"), /^Server 5 — [1-9]\d* keys · table v2/, "the new server holds keys");
  const charts = page.getByRole("region", { name: "Measurements", exact: true });
  assert.match(await charts.innerText(), /The change to table v2 moved \d+\.\d% of the keys' primaries \(ideal 20\.0%\)/);
  assert.equal(await charts.getByRole("img", { name: /^Keys per server \(keys on disk\): S1 \d+, S2 \d+, S3 \d+, S4 \d+, S5 [1-9]/ }).count(), 1);
  assert.equal(await charts.getByRole("img", { name: /^The hash ring .*: Server 1 \d+, Server 2 \d+, Server 3 \d+, Server 4 \d+, Server 5 [1-9]/ }).count(), 1, "the ring shows the new server's keys");
  await shot("migrated");
  await page.getByRole("button", { name: "Run every placement on these keys (batch)" }).click();
  const batch = page.getByRole("table", { name: /^Batch: every placement/ });
  await waitFor(async () => (await batch.getByRole("row").count()) === 6, "five placements and a header");
  const rows = await batch.getByRole("row").allInnerTexts();
  assert.match(rows[1], /^hash mod N\s+\d+/);
  assert.match(rows[5], /^range partitioning\s+250\s+250\.0\s+0\.0\s+12\.5%\s+20\.0%/, "ranges: even, a join moves 1/(2N)");
  const invariants = await lab.invariantLines();
  assert.equal(invariants.length, 5, "R replicas, no acknowledged write lost, tables converge, one value per stamp, no stale read");
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});

siteTest("sharding: a typed key is followed, a hot range is split, both routers converge, and bad keys are refused", async ({ page, server, shot }) => {
  const lab = new TwoPhaseCommitLab(page, server);
  const run = {
    format: 1, protocol: "sharding", seed: 3, steps: 0,
    network: { latency_ticks_min: 10, latency_ticks_max: 30, loss_per_mille: 0 },
    config: { strategy: "range", skew: 2, rate: 100, replication: 2, routers: 2 }, inputs: [],
  };
  await page.goto(server.url + "#/sharding?run=" + encodeURIComponent(JSON.stringify(run)) + "&at=0");
  await lab.node("Client 1").click();
  const field = page.getByLabel("Key", { exact: true });
  await page.getByRole("button", { name: "Put", exact: true }).click();
  assert.match(await page.getByRole("alert").innerText(), /Type a key first/, "an empty key is refused in words");
  await field.fill("a key far too long");
  await page.getByRole("button", { name: "Get", exact: true }).click();
  assert.match(await page.getByRole("alert").innerText(), /at most 16 bytes/);
  assert.equal(await field.inputValue(), "a key far too long", "what was typed stays");
  await field.fill("cart:alice");
  await page.getByRole("button", { name: "Put", exact: true }).click();
  assert.match(await lab.logText(), /Client 1 sends put \d+ cart:alice/);

  await lab.speed.fill("60");
  await lab.play();
  await waitFor(async () => /The busiest primary took \d+% of [1-9]\d{2,} requests/.test(await page.getByRole("region", { name: "Measurements", exact: true }).innerText()), "requests pile up");
  await lab.pause();
  const names = await Promise.all(["Server 1", "Server 2", "Server 3", "Server 4"].map((n) => lab.nodeLabel(n)));
  assert.equal(names.filter((n) => /primary of cart:alice/.test(n)).length, 1, names.join("; "));
  assert.equal(names.filter((n) => /replica of cart:alice/.test(n)).length, 1, "R = 2: one more replica");
  const charts = page.getByRole("region", { name: "Measurements", exact: true });
  const busiest = async () => Number((await charts.innerText()).match(/The busiest primary took (\d+)%/)[1]);
  const before = await busiest();
  assert.ok(before >= 40, `the first range is hot: ${before}%`);
  assert.equal(await charts.getByRole("img", { name: /^The key ranges/ }).count(), 1);
  assert.match(await charts.innerText(), /Its last request went Client 1 → Router 1 → Server \d: answered\./, "the request path");

  assert.match(await lab.nodeLabel("Router 1"), /owns the table/);
  await lab.nodeAction("Router 1", "Split the busiest range");
  assert.match(await lab.logText(), /Router 1 splits range 1 at key-\d{4}, where its requests halve: .* move to Server \d/);
  await lab.play();
  // The router's status drops "migrating" (the event log shows only its newest lines).
  await waitFor(async () => /table v2: 4 servers · \d+ in flight/.test(await lab.nodeLabel("Router 1")), "the split's migration ends");
  assert.match(await lab.nodeLabel("Router 2"), /table v2/, "routers converge");
  await waitFor(async () => /The busiest primary took \d+% of [1-9]\d{2,} requests/.test(await charts.innerText()), "requests under the new table");
  await lab.pause();
  assert.match(await charts.innerText(), /The split to table v2 moved \d+\.\d% of the keys' primaries/);
  const after = await busiest();
  assert.ok(after < before, `the busiest primary's share falls: ${before}% then ${after}%`);
  await lab.node("Router 2").click();
  assert.match(await page.getByRole("region", { name: "Inspector", exact: true }).innerText(), /from key-\d{4}: Server \d/, "the table lists its ranges");
  await shot("split");
  const invariants = await lab.invariantLines();
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});
