/**
 * `npm run bench`: what an onboarding costs. Runs the real CLI as a child process against a sandbox
 * started here with 100 ms latency per Graph request (sign-in is the real device-code flow), and
 * prints Graph requests, writes, round trips, sequential depth and wall time for a fresh apply and a
 * no-op re-run; then the start-up cost of `--version` / `--help` against a bare `node -e 0`; then the
 * `bulk` scenario (scripts/bench-bulk.ts): 1,000 tenants, once with generated keys, once with given
 * certificates. `npm run bench -- single` or `npm run bench -- bulk` runs one part only.
 * A measurement, not a test: nothing here fails on a threshold.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { RequestStats } from "../src/fake/types.js";
import { startSandbox, type Sandbox } from "../src/sandbox/server.js";
import { benchBulk } from "./bench-bulk.js";

const LATENCY_MS = 100;
const STARTUP_RUNS = 15;

// Compiled this file is dist/scripts/bench.js; under tsx it is scripts/bench.ts. The CLI is always the built one.
const here = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL(here.endsWith(".ts") ? "../" : "../../", import.meta.url));
const BIN = join(repo, "dist", "src", "cli", "main.js");

/** Kept sign-ins go to the bench's own temp dir: the first run signs in, later runs reuse it, as for a user. */
function childEnv(cwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ENTRA_") && v !== undefined) env[k] = v;
  return { ...env, NO_COLOR: "1", ENTRA_ONBOARD_CACHE_DIR: join(cwd, "token-cache") };
}

interface Run {
  code: number | null;
  wallMs: number;
  /** From spawn to the CLI's "signed in" log line: process start-up plus the device-code sign-in. */
  signedInMs: number | undefined;
  stderr: string;
}

function runCli(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const startedEpoch = Date.now();
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(cwd), stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stdout.resume();
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, wallMs: performance.now() - started, signedInMs: signedInAt(stderr, startedEpoch), stderr }));
  });
}

/** The pino JSON line "signed in to tenant …" carries the epoch time the sign-in finished. */
function signedInAt(stderr: string, startedEpoch: number): number | undefined {
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{") || !line.includes("signed in to tenant")) continue;
    const time = (JSON.parse(line) as { time?: number }).time;
    if (typeof time === "number") return time - startedEpoch;
  }
  return undefined;
}

interface Row {
  scenario: string;
  exit: number | null;
  requests: number;
  writes: number;
  roundTrips: number;
  sequentialDepth: number;
  wallMs: number;
  signInMs: string;
}

async function measure(sandbox: Sandbox, scenario: string, args: string[], cwd: string): Promise<Row> {
  const before = sandbox.fake.requests.length;
  const run = await runCli(args, cwd);
  const stats: RequestStats = sandbox.fake.stats(before);
  if (run.code !== 0 && run.code !== 3) console.error(`${scenario}: exit ${run.code}\n${run.stderr}`);
  return {
    scenario,
    exit: run.code,
    ...stats,
    wallMs: Math.round(run.wallMs),
    signInMs: run.signedInMs === undefined ? "?" : String(run.signedInMs),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timeSync(args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env: childEnv(cwd), stdio: "ignore" });
  const ms = performance.now() - started;
  if (r.status !== 0) console.error(`node ${args.join(" ")} exited ${r.status}`);
  return ms;
}

function startup(cwd: string): void {
  const cases = { "node -e 0": ["-e", "0"], "entra-onboard --version": [BIN, "--version"], "entra-onboard --help": [BIN, "--help"] };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  // One warm-up each (disk cache), then alternate so drift in machine load hits all three alike.
  for (const args of Object.values(cases)) timeSync(args, cwd);
  for (let i = 0; i < STARTUP_RUNS; i++) for (const [name, args] of Object.entries(cases)) times[name]?.push(timeSync(args, cwd));
  const bare = median(times["node -e 0"] ?? []);
  console.log(`\nStart-up (median of ${STARTUP_RUNS} alternating runs; target ≤ 2.5× bare node):`);
  console.table(
    Object.entries(times).map(([command, t]) => ({
      command,
      medianMs: Math.round(median(t)),
      minMs: Math.round(Math.min(...t)),
      ratioToBareNode: (median(t) / bare).toFixed(2),
    })),
  );
}

async function main(): Promise<void> {
  const part = process.argv[2] ?? "all";
  if (!["all", "single", "bulk"].includes(part)) throw new Error(`usage: bench [all|single|bulk], got ${part}`);
  console.log(`entra-onboard bench · Node ${process.version} · ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? "unknown"}) · ${process.platform}/${process.arch} · load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const cwd = await mkdtemp(join(tmpdir(), "eo-bench-"));
  try {
    if (part !== "bulk") await single(cwd);
    if (part !== "single") {
      const tenants = Number(process.env.BENCH_BULK_TENANTS ?? 1000);
      await benchBulk({ bin: BIN, cwd, env: childEnv(cwd), tenants });
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

async function single(cwd: string): Promise<void> {
  const sandbox = await startSandbox({ faults: { latencyMs: LATENCY_MS } });
  try {
    const caFile = join(cwd, "sandbox-ca.pem");
    await writeFile(caFile, sandbox.caPem);
    const target = ["--sandbox-url", sandbox.url, "--sandbox-ca", caFile, "--log-format", "json"];
    const rows: Row[] = [];
    rows.push(await measure(sandbox, "plan (fresh tenant)", ["plan", ...target], cwd));
    rows.push(await measure(sandbox, "apply (fresh)", ["apply", "--yes", ...target], cwd));
    rows.push(await measure(sandbox, "apply (no-op re-run)", ["apply", "--yes", ...target], cwd));
    rows.push(await measure(sandbox, "status (in sync)", ["status", ...target], cwd));
    console.log(`\nReal CLI process against the sandbox, ${LATENCY_MS} ms latency per Graph round trip (sign-in itself has none).`);
    console.log("requests = Graph operations ($batch items counted); roundTrips = HTTP requests; sequentialDepth = waves of round trips;");
    console.log("signInMs = from spawn to the 'signed in' log line (node start-up + module loading + sign-in: device code on the first run, the token cache after).");
    console.table(rows);
  } finally {
    await sandbox.close();
  }
  startup(cwd);
}

await main();
