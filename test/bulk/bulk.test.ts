/**
 * The library's bulk(): the events a caller (and the CLI) renders, in order, and the two ways to stop:
 * `stop` starts no new tenant and lets those in flight finish; `abandon` stops waiting for them and
 * reports them as interrupted. In-process, against a partner sandbox.
 */
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulk, connectFleet, fleetFromTenants, type BulkEvent, type FleetConnection } from "../../src/index.js";
import { readReport } from "../../src/bulk/report.js";
import { LOCK_FILE } from "../../src/core/out-lock.js";
import { InputError, OutDirBusyError } from "../../src/shared/errors.js";
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
    // The abandoned tenant's run goes on in the background until it is done (it holds the lock of its
    // own --out until then: one run at a time per directory); the report does not change for it.
    await until(() => isConverged(sandbox, sandbox.tenants[0]?.id ?? ""));
    await until(() => !existsSync(join(out, sandbox.tenants[0]?.id ?? "", LOCK_FILE)));
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
    // Tenants of their own: where an earlier test's apply made the apps, a fresh --out holds no
    // connection.json proving them entra-onboard's (through GDAP an app has no owner to prove it).
    const fresh = await startSandbox({ tenants: 3, partner: true });
    try {
      const fleet = await fleetFromTenants("test", fresh.tenants.map((t) => ({ tenant: t.initialDomain })), {}, new Date());
      const reach = await connectFleet({ method: "device-code", authorityHost: fresh.url, graphUrl: fresh.graphUrl, ca: fresh.caPem, env: {}, tokenCache: false, simulated: true });
      const out = join(dir, "read-only");
      const before = fresh.fake.stats().writes;
      for (const command of ["plan", "status"] as const) {
        const result = await bulk({ command, fleet, connection: reach, outDir: out, concurrency: 3 });
        expect(result.tenants.map((t) => [t.status, t.inSync])).toEqual([["succeeded", false], ["succeeded", false], ["succeeded", false]]);
        expect(result.reportFile).toBeUndefined();
      }
      expect(await readReport(out)).toBeUndefined();
      expect(existsSync(out)).toBe(false);
      expect(fresh.fake.stats().writes).toBe(before);
    } finally {
      await fresh.close();
    }
  });
});

describe("the fleet's --out", () => {
  it("is refused before any request when others can write it, or when it is one tenant's --out", async () => {
    const before = sandbox.fake.requests.length;
    const open = join(dir, "group-writable");
    await mkdir(open);
    await chmod(open, 0o770);
    await expect(bulk({ command: "plan", fleet: await fleetOf(), connection, outDir: open })).rejects.toThrow(/writable by group or others \(mode 770\)/);
    const single = join(dir, "single");
    await mkdir(single, { mode: 0o700 });
    await writeFile(join(single, "connection.json"), "{}");
    const refused = await bulk({ command: "apply", fleet: await fleetOf(), connection, outDir: single }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InputError);
    expect((refused as Error).message).toMatch(/holds connection\.json: it is one tenant's directory/);
    expect(sandbox.fake.requests.length).toBe(before);
  });

  it("one fleet apply at a time: a second one on the same --out is refused while the first runs", async () => {
    const out = join(dir, "abandon"); // the first test's fleet: converged, so this run only reads
    const before = sandbox.fake.requests.length;
    const fleet = await fleetOf();
    let second: unknown;
    const first = await bulk({
      command: "apply",
      fleet,
      connection,
      outDir: out,
      concurrency: 1,
      onEvent: (e) => {
        if (e.type === "tenant-started" && second === undefined) second = bulk({ command: "apply", fleet, connection, outDir: out }).catch((error: unknown) => error);
      },
    });
    expect(first.summary).toMatchObject({ succeeded: 3, changed: 0 });
    const refusal = await (second as Promise<unknown>);
    expect(refusal).toBeInstanceOf(OutDirBusyError);
    expect((refusal as Error).message).toMatch(/Another entra-onboard run \(pid \d+ .*\) is using --out/);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    expect(sandbox.fake.requests.filter((r, i) => i >= before && ["POST", "PATCH", "DELETE"].includes(r.method) && !/\$batch/.test(r.url))).toEqual([]);
  });

  it("the report and connections.csv never follow a link planted next to them", async () => {
    const out = join(dir, "abandon");
    const victim = join(dir, "victim.txt");
    await writeFile(victim, "untouched\n");
    // The old writer's temporary names were predictable (<file>.<pid>.tmp).
    for (const name of ["bulk-report.json", "connections.csv"]) await symlink(victim, join(out, `${name}.${process.pid}.tmp`));
    const result = await bulk({ command: "apply", fleet: await fleetOf(), connection, outDir: out });
    expect(result.summary.succeeded).toBe(3);
    expect(await readFile(victim, "utf8")).toBe("untouched\n");
    expect((await readReport(out))?.summary.succeeded).toBe(3);
  });

  it("--only-failed takes a kept tenant's connection details from its connection.json, and refuses a report with a path for a tenant id", async () => {
    const out = join(dir, "abandon");
    const report = JSON.parse(await readFile(join(out, "bulk-report.json"), "utf8")) as { tenants: { status: string; tenantId: string; connection: { appId: string } }[] };
    const real = report.tenants.map((t) => t.connection.appId);
    // Tenant 2 failed last time; tenant 1's entry claims another app.
    report.tenants[1] = { ...report.tenants[1], status: "failed" } as never;
    if (report.tenants[0]) report.tenants[0].connection.appId = "00000000-0000-4000-8000-000000000bad";
    await writeFile(join(out, "bulk-report.json"), JSON.stringify({ ...report, schema: "entra-onboard/bulk/v1" }));
    const result = await bulk({ command: "apply", fleet: await fleetOf(), connection, outDir: out, onlyFailed: true });
    expect(result.tenants.map((t) => t.connection?.appId)).toEqual(real);
    const csv = await readFile(join(out, "connections.csv"), "utf8");
    expect(csv).not.toContain("0bad");

    if (report.tenants[0]) report.tenants[0].tenantId = "../../elsewhere";
    await writeFile(join(out, "bulk-report.json"), JSON.stringify({ ...report, schema: "entra-onboard/bulk/v1" }));
    await expect(bulk({ command: "apply", fleet: await fleetOf(), connection, outDir: out, onlyFailed: true })).rejects.toThrow(/is not a report entra-onboard bulk wrote \(tenants\[0\]\.tenantId is not a GUID\)/);
  });
});
