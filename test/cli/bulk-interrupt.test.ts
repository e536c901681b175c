/**
 * A fleet run stopped part-way, as it happens to MSPs: Ctrl-C (SIGINT) after the first tenant is done,
 * and `kill -9`. Either way a re-run of the same command finishes the job: every tenant converges
 * with exactly one app, and the tenants the first run had finished get no write at all. Also: per-
 * tenant sign-in for MSPs without GDAP, and the tenants file the sandbox writes for its customers.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/core/out-lock.js";
import { startSandbox } from "../../src/sandbox/server.js";
import { appCount, expectConverged, isConverged, readBulkReport, tenantsFile, writesIn } from "./bulk-helpers.js";
import { CliRunner, leakedSecrets, sandboxArgs, type CliResult } from "./helpers.js";

const TENANTS = 5;
let cli: CliRunner;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-bulk-int-");
});
afterAll(async () => {
  await cli?.dispose();
});

/** A fresh directory inside the runner's own (removed with it). */
const subdir = (prefix: string) => mkdtemp(join(cli.cwd, prefix));

/** Runs the CLI, and calls `onLine` with each stdout line as it arrives (so a test can interrupt it). */
function runWatching(args: string[], onLine: (line: string, child: ChildProcess) => void): Promise<CliResult> {
  const child = cli.spawn(args);
  let stdout = "";
  let stderr = "";
  let pending = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    pending += d;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line, child);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.once("close", (code, signal) => resolve({ args, code, signal, stdout, stderr })));
}

/** Stops the run with `signal` once the first tenant has finished. */
function stopAfterFirstTenant(signal: NodeJS.Signals) {
  let sent = false;
  return (line: string, child: ChildProcess) => {
    if (!sent && line.includes('"type":"tenant-finished"')) {
      sent = true;
      child.kill(signal);
    }
  };
}

async function interruptedThenResumed(signal: NodeJS.Signals): Promise<void> {
  // Slow Graph (every request waits) so that the run is surely part-way when the signal comes.
  const sandbox = await startSandbox({ tenants: TENANTS, partner: true, faults: { latencyMs: 100 } });
  try {
    const dir = await subdir(`int-${signal}-`);
    const out = join(dir, "out");
    const file = await tenantsFile(dir, "fleet.csv", "tenant", sandbox.tenants.map((t) => t.initialDomain));
    const args = ["bulk", "apply", file, "--yes", "--out", out, "--concurrency", "2", "--ndjson", ...(await sandboxArgs(sandbox, dir)), "--log-format", "json", "--no-token-cache"];
    const first = await runWatching(args, stopAfterFirstTenant(signal));
    const report = await readBulkReport(out);
    // Finished = converged in the tenant when the run stopped (kill -9 may beat the report's next write).
    const done = sandbox.tenants.filter((t) => isConverged(sandbox, t.id)).map((t) => t.id);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(TENANTS);
    if (signal === "SIGINT") {
      expect(first.code).toBe(1);
      expect([report.finished, report.interrupted]).toEqual([true, true]);
      expect(report.tenants.filter((t) => t.status === "succeeded").map((t) => t.tenantId).sort()).toEqual([...done].sort());
      // Ctrl-C lets the tenants in flight finish: none is left half-done or reported as interrupted.
      expect(report.tenants.filter((t) => t.status === "interrupted")).toEqual([]);
      const notStarted = report.tenants.filter((t) => t.status === "not-started");
      expect(notStarted.length).toBeGreaterThan(0);
      for (const t of notStarted) expect(appCount(sandbox, sandbox.tenants.find((s) => s.initialDomain === t.tenant)?.id ?? "")).toBe(0);
      expect(first.stdout).toContain('"type":"interrupted"');
    } else {
      expect(first.signal).toBe("SIGKILL");
      expect(report.finished).toBe(false);
      // The killed run's lock of --out stays behind, naming a process that is gone.
      expect(existsSync(join(out, LOCK_FILE))).toBe(true);
    }
    // The re-run need not be slow.
    sandbox.setFaults({});
    const before = sandbox.fake.requests.length;
    const again = await cli.run(args);
    expect(again.code, again.stderr).toBe(0);
    for (const t of sandbox.tenants) expectConverged(sandbox, t.id);
    for (const id of done) expect(writesIn(sandbox, id, before), `writes in finished tenant ${id}`).toBe(0);
    // Ctrl-C released the fleet's lock; kill -9 left it stale, and the re-run took it over, saying so.
    if (signal === "SIGKILL") expect(again.stderr).toContain(`took over the stale lock ${join(out, LOCK_FILE)}`);
    else expect(again.stderr).not.toContain("took over the stale lock");
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const final = await readBulkReport(out);
    expect(final.tenants.map((t) => t.status)).toEqual(Array(TENANTS).fill("succeeded"));
    expect(leakedSecrets(`${first.stdout}${first.stderr}${again.stdout}${again.stderr}${JSON.stringify(final)}`)).toEqual([]);
  } finally {
    await sandbox.close();
  }
}

describe("interrupted part-way, then run again", () => {
  it("Ctrl-C (SIGINT): no new tenants start, the report says which were not started, a re-run finishes", async () => {
    await interruptedThenResumed("SIGINT");
  });

  it("kill -9: a re-run finishes, with exactly one app per tenant", async () => {
    await interruptedThenResumed("SIGKILL");
  });
});

describe("without GDAP, and the sandbox's own tenants file", () => {
  it("--sign-in-per-tenant signs in to each tenant in turn, as that tenant's own admin", async () => {
    const sandbox = await startSandbox({ tenants: 2 });
    try {
      const dir = await subdir("per-tenant-");
      const file = await tenantsFile(dir, "two.csv", "tenant", sandbox.tenants.map((t) => t.id));
      const r = await cli.run(["bulk", "apply", file, "--yes", "--sign-in-per-tenant", "--concurrency", "2", "--out", join(dir, "out"), ...(await sandboxArgs(sandbox, dir)), "--log-format", "json", "--no-token-cache"]);
      expect(r.code, r.stderr).toBe(0);
      for (const t of sandbox.tenants) {
        expectConverged(sandbox, t.id);
        expect(r.stderr).toContain(`simulated admin admin@${t.initialDomain}`);
      }
      expect(r.stderr.match(/enter the code/g)).toHaveLength(2);
    } finally {
      await sandbox.close();
    }
  });

  it("`sandbox --tenants 3 --without-relationship 3 --write-tenants-file` writes a file bulk takes as it is", async () => {
    const dir = await subdir("sbx-file-");
    const file = join(dir, "fleet.csv");
    const child = cli.spawn(["sandbox", "--tenants", "3", "--without-relationship", "3", "--write-tenants-file", file, "--ca-file", join(dir, "ca.pem")]);
    const banner = await new Promise<string>((resolve, reject) => {
      let text = "";
      child.stdout?.setEncoding("utf8").on("data", (d: string) => {
        text += d;
        if (text.includes("Press Ctrl-C")) resolve(text);
      });
      child.once("exit", (code) => reject(new Error(`sandbox exited ${code}: ${text}`)));
    });
    try {
      expect(banner).toMatch(/Partner \(MSP\) tenant: [0-9a-f-]+ {2}sandboxpartner\.onmicrosoft\.com/);
      expect(banner).toContain("GDAP relationships: 2 of 3 tenants (none with sandbox3.onmicrosoft.com)");
      expect(await readFile(file, "utf8")).toBe("tenant,friendlyName\r\nsandbox1.onmicrosoft.com,Sandbox 1\r\nsandbox2.onmicrosoft.com,Sandbox 2\r\nsandbox3.onmicrosoft.com,Sandbox 3\r\n");
      const url = /Graph URL: +(https:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] ?? "";
      const r = await cli.run(["bulk", "plan", file, "--sandbox-url", url, "--sandbox-ca", join(dir, "ca.pem"), "--log-format", "json", "--no-token-cache"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/sandbox1\.onmicrosoft\.com +[0-9a-f-]+ +6 to add/);
      expect(r.stdout).toMatch(/sandbox3\.onmicrosoft\.com .*FAILED: Entra refused the sign-in: AADSTS50020/);
    } finally {
      child.kill("SIGINT");
    }
  });
});
