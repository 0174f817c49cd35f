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
  assert.match(await lab.eventLog.innerText(), /Router makes routing table v2: Server 1, Server 2, Server 3, Server 4, Server 5/);
  await lab.play();
  await waitFor(async () => /table v2 is in force/.test(await lab.eventLog.innerText()), "the migration ends");
  await lab.pause();
  assert.match(await lab.nodeLabel("Server 5"), /^Server 5 — [1-9]\d* keys · table v2/, "the new server holds keys");
  const charts = page.getByRole("region", { name: "Measurements", exact: true });
  assert.match(await charts.innerText(), /The change to table v2 moved \d+\.\d% of the keys' primaries \(ideal 20\.0%\)/);
  assert.equal(await charts.getByRole("img", { name: /^Keys per server \(keys on disk\): S1 \d+, S2 \d+, S3 \d+, S4 \d+, S5 [1-9]/ }).count(), 1);
  assert.equal(await charts.getByRole("img", { name: /^The hash ring .*: Server 1 \d+, Server 2 \d+, Server 3 \d+, Server 4 \d+, Server 5 [1-9]/ }).count(), 1, "the ring shows the new server's keys");
  await shot("migrated");
  const invariants = await lab.invariantLines();
  assert.equal(invariants.length, 3);
  assert.ok(!invariants.some((l) => /violated/.test(l)), invariants.join("; "));
});
