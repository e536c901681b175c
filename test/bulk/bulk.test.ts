/**
 * The library's bulk(): the events a caller (and the CLI) renders, in order, and the two ways to stop:
 * `stop` starts no new tenant and lets those in flight finish; `abandon` stops waiting for them and
 * reports them as interrupted. In-process, against a partner sandbox.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, connectFleet, fleetFromTenants, type BulkEvent, type FleetConnection } from "../../src/index.js";
import { readReport } from "../../src/bulk/report.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { isConverged } from "../cli/bulk-helpers.js";

let sandbox: Sandbox;
let connection: FleetConnection;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ tenants: 3, partner: true, faults: { latencyMs: 30 } });
  connection = await connectFleet({ method: "device-code", authorityHost: sandbox.url, graphUrl: sandbox.graphUrl, ca: sandbox.caPem, env: {}, tokenCache: false, simulated: true });
  dir = await mkdtemp(join(tmpdir(), "eo-bulk-lib-"));
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

const fleetOf = () => fleetFromTenants("test", sandbox.tenants.map((t) => ({ tenant: t.initialDomain })), {}, new Date());

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("bulk() from the library", () => {
  it("abandon: the tenant in flight is reported interrupted, the rest not started; a re-run finishes all of them", async () => {
    const out = join(dir, "abandon");
    const stop = new AbortController();
    const abandon = new AbortController();
    const result = await bulk({
      command: "apply",
      fleet: await fleetOf(),
      connection,
      outDir: out,
      concurrency: 1,
      stop: stop.signal,
      abandon: abandon.signal,
      onEvent: (e) => {
        if (e.type === "tenant-started") {
          stop.abort();
          abandon.abort();
        }
      },
    });
    expect(result.interrupted).toBe(true);
    expect(result.tenants.map((t) => t.status)).toEqual(["interrupted", "not-started", "not-started"]);
    const written = await readReport(out);
    expect([written?.finished, written?.interrupted, written?.summary.interrupted, written?.summary.notStarted]).toEqual([true, true, 1, 2]);
    // The abandoned tenant's run goes on in the background until it is done; the report does not change for it.
    await until(() => isConverged(sandbox, sandbox.tenants[0]?.id ?? ""));
    expect((await readReport(out))?.tenants[0]?.status).toBe("interrupted");

    const events: BulkEvent[] = [];
    const again = await bulk({ command: "apply", fleet: await fleetOf(), connection, outDir: out, concurrency: 2, onEvent: (e) => events.push(e) });
    expect(again.tenants.map((t) => t.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(again.tenants.map((t) => t.changed)).toEqual([false, true, true]);
    for (const t of sandbox.tenants) expect(isConverged(sandbox, t.id)).toBe(true);

    // The events: started, then each tenant started before it finished, then finished with the totals.
    expect(events[0]).toMatchObject({ type: "run-started", command: "apply", total: 3, selected: 3, concurrency: 2 });
    expect(events.at(-1)).toMatchObject({ type: "run-finished", interrupted: false, summary: { total: 3, succeeded: 3, failed: 0, changed: 2 } });
    for (const t of sandbox.tenants) {
      const started = events.findIndex((e) => e.type === "tenant-started" && e.tenant === t.initialDomain);
      const finished = events.findIndex((e) => e.type === "tenant-finished" && e.result.tenant === t.initialDomain);
      expect(started).toBeGreaterThan(0);
      expect(finished).toBeGreaterThan(started);
    }
    expect(events.some((e) => e.type === "tenant-progress" && e.event.type === "action-done")).toBe(true);
  });

  it("plan and status write nothing, not even the report", async () => {
    const out = join(dir, "read-only");
    const before = sandbox.fake.stats().writes;
    const result = await bulk({ command: "plan", fleet: await fleetOf(), connection, outDir: out, concurrency: 3 });
    expect(result.tenants.map((t) => t.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(result.reportFile).toBeUndefined();
    expect(await readReport(out)).toBeUndefined();
    expect(sandbox.fake.stats().writes).toBe(before);
  });
});
