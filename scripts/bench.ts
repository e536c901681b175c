/**
 * `npm run bench`: what an onboarding costs. Runs the real (bundled) CLI as a child process against
 * a sandbox started here with 100 ms latency per Graph request (sign-in is the real device-code
 * flow, with no added latency), and prints Graph requests, writes, round trips, sequential depth,
 * and wall time against the floor: node's own start-up plus sequential depth × latency. Each round
 * uses fresh sandbox tenants: a plan that signs in (cold: device code), then a fresh apply with that
 * kept sign-in (warm), its no-op re-run, status, and a fresh apply on another tenant with an empty
 * token cache (cold). Rounds alternate with start-up runs (`--version`, `--help`, bare `node -e 0`),
 * and medians are reported, because the 2-core machine is shared: the load average is printed.
 * Then the `bulk` scenario (scripts/bench-bulk.ts): 1,000 tenants, once with generated keys, once
 * with given certificates. `npm run bench -- single` or `npm run bench -- bulk` runs one part only.
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STARTUP_RUNS = 15;

// Compiled this file is dist/scripts/bench.js; under tsx it is scripts/bench.ts. The CLI is always the built one.
const here = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL(here.endsWith(".ts") ? "../" : "../../", import.meta.url));
const BIN = join(repo, "dist", "cli", "entra-onboard.js");

/** Kept sign-ins go to a directory of the bench's own: the first run signs in, later runs reuse it, as for a user. */
function childEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ENTRA_") && v !== undefined) env[k] = v;
  return { ...env, NO_COLOR: "1", ENTRA_ONBOARD_CACHE_DIR: cacheDir };
}

interface Run {
  code: number | null;
  wallMs: number;
  /** From spawn to the CLI's "signed in" log line: process start-up plus sign-in. */
  signedInMs: number | undefined;
  stderr: string;
}

function runCli(args: string[], cwd: string, cacheDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const startedEpoch = Date.now();
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(cacheDir), stdio: ["ignore", "pipe", "pipe"] });
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

interface Sample extends RequestStats {
  exit: number | null;
  wallMs: number;
  signInMs: number | undefined;
}

const SCENARIOS = ["plan, fresh tenant (cold sign-in)", "apply, fresh (warm sign-in)", "apply, no-op re-run", "status, in sync", "apply, fresh (cold sign-in)"] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Issue #6's targets, as ratios to the floor: a fresh apply after `plan` signed in, and a re-run that changes nothing. */
const TARGETS: Partial<Record<Scenario, number>> = { "apply, fresh (warm sign-in)": 1.4, "apply, no-op re-run": 2, "status, in sync": 2 };

async function measure(sandbox: Sandbox, args: string[], cwd: string, cacheDir: string): Promise<Sample> {
  const before = sandbox.fake.requests.length;
  const run = await runCli(args, cwd, cacheDir);
  const stats: RequestStats = sandbox.fake.stats(before);
  if (run.code !== 0 && run.code !== 3) console.error(`${args.join(" ")}: exit ${run.code}\n${run.stderr}`);
  return { exit: run.code, ...stats, wallMs: run.wallMs, signInMs: run.signedInMs };
}

/** One round: two fresh tenants, five runs. */
async function round(sandbox: Sandbox, index: number, cwd: string, caFile: string): Promise<Map<Scenario, Sample>> {
  const warmTenant = sandbox.tenants[2 * index];
  const coldTenant = sandbox.tenants[2 * index + 1];
  if (!warmTenant || !coldTenant) throw new Error("bench: not enough sandbox tenants");
  const target = (tenantId: string) => ["--sandbox-url", sandbox.url, "--sandbox-ca", caFile, "--log-format", "json", "--tenant", tenantId, "--out", join(cwd, `out-${tenantId}`)];
  const warmCache = join(cwd, `cache-${index}`);
  const samples = new Map<Scenario, Sample>();
  samples.set("plan, fresh tenant (cold sign-in)", await measure(sandbox, ["plan", ...target(warmTenant.id)], cwd, warmCache));
  samples.set("apply, fresh (warm sign-in)", await measure(sandbox, ["apply", "--yes", ...target(warmTenant.id)], cwd, warmCache));
  samples.set("apply, no-op re-run", await measure(sandbox, ["apply", "--yes", ...target(warmTenant.id)], cwd, warmCache));
  samples.set("status, in sync", await measure(sandbox, ["status", ...target(warmTenant.id)], cwd, warmCache));
  samples.set("apply, fresh (cold sign-in)", await measure(sandbox, ["apply", "--yes", ...target(coldTenant.id)], cwd, join(cwd, `cache-cold-${index}`)));
  return samples;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timeSync(args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, env: childEnv(join(cwd, "startup-cache")), stdio: "ignore" });
  const ms = performance.now() - started;
  if (r.status !== 0) console.error(`node ${args.join(" ")} exited ${r.status}`);
  return ms;
}

const STARTUP_CASES: Record<string, string[]> = { "node -e 0": ["-e", "0"], "entra-onboard --version": [BIN, "--version"], "entra-onboard --help": [BIN, "--help"] };

/** A few alternating start-up runs, so drift in machine load hits all three alike. */
function startupRuns(cwd: string, runs: number, into: Map<string, number[]>): void {
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(STARTUP_CASES)) into.set(name, [...(into.get(name) ?? []), timeSync(args, cwd)]);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

async function main(): Promise<void> {
  const part = process.argv[2] ?? "all";
  if (!["all", "single", "bulk"].includes(part)) throw new Error(`usage: bench [all|single|bulk], got ${part}`);
  console.log(`entra-onboard bench · Node ${process.version} · ${availableParallelism()} CPU(s) (${cpus()[0]?.model ?? "unknown"}) · ${process.platform}/${process.arch}`);
  console.log(`load average at start (1/5/15 min): ${load()}`);
  const cwd = await mkdtemp(join(tmpdir(), "eo-bench-"));
  try {
    if (part !== "bulk") await single(cwd);
    if (part !== "single") {
      const tenants = Number(process.env.BENCH_BULK_TENANTS ?? 1000);
      await benchBulk({ bin: BIN, cwd, env: childEnv(join(cwd, "bulk-cache")), tenants });
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
  console.log(`load average at the end (1/5/15 min): ${load()}`);
}

async function single(cwd: string): Promise<void> {
  const sandbox = await startSandbox({ tenants: 2 * ROUNDS, faults: { latencyMs: LATENCY_MS } });
  const startup = new Map<string, number[]>();
  const samples = new Map<Scenario, Sample[]>();
  try {
    const caFile = join(cwd, "sandbox-ca.pem");
    await writeFile(caFile, sandbox.caPem);
    // One warm-up each (disk cache), then rounds and start-up runs alternate.
    for (const args of Object.values(STARTUP_CASES)) timeSync(args, cwd);
    for (let i = 0; i < ROUNDS; i++) {
      startupRuns(cwd, Math.ceil(STARTUP_RUNS / ROUNDS), startup);
      for (const [scenario, sample] of await round(sandbox, i, cwd, caFile)) samples.set(scenario, [...(samples.get(scenario) ?? []), sample]);
    }
  } finally {
    await sandbox.close();
  }

  const bare = median(startup.get("node -e 0") ?? []);
  console.log(`\nReal CLI process (${relative(BIN)}) against the sandbox, ${LATENCY_MS} ms latency per Graph round trip (sign-in itself has none); median of ${ROUNDS} rounds.`);
  console.log("requests = Graph operations ($batch items counted); roundTrips = HTTP requests; depth = sequential waves of round trips;");
  console.log(`floor = node start-up (median 'node -e 0', ${Math.round(bare)} ms) + depth × ${LATENCY_MS} ms; signInMs = spawn to the 'signed in' log line.`);
  console.table(
    SCENARIOS.map((scenario) => {
      const all = samples.get(scenario) ?? [];
      const first = all[0];
      const depth = first?.sequentialDepth ?? 0;
      const wall = median(all.map((s) => s.wallMs));
      const floor = bare + depth * LATENCY_MS;
      const signIns = all.map((s) => s.signInMs).filter((v): v is number => v !== undefined);
      const consistent = all.every((s) => s.requests === first?.requests && s.sequentialDepth === depth && s.exit === first?.exit);
      return {
        scenario,
        exit: first?.exit,
        requests: first?.requests,
        writes: first?.writes,
        roundTrips: first?.roundTrips,
        depth: consistent ? depth : `${depth} (varies)`,
        wallMs: Math.round(wall),
        floorMs: Math.round(floor),
        ratio: (wall / floor).toFixed(2),
        target: TARGETS[scenario] === undefined ? "" : `≤ ${TARGETS[scenario]}`,
        minWallMs: Math.round(Math.min(...all.map((s) => s.wallMs))),
        signInMs: signIns.length > 0 ? Math.round(median(signIns)) : "?",
      };
    }),
  );
  console.log(`\nStart-up (median of ${startup.get("node -e 0")?.length ?? 0} alternating runs; target ≤ 1.2× bare node):`);
  console.table(
    [...startup].map(([command, t]) => ({ command, medianMs: Math.round(median(t)), minMs: Math.round(Math.min(...t)), ratioToBareNode: (median(t) / bare).toFixed(2) })),
  );
}

function relative(path: string): string {
  return path.startsWith(repo) ? path.slice(repo.length) : path;
}

await main();
