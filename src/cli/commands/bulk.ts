/**
 * `entra-onboard bulk plan|apply|status <tenants file>`: the single-tenant pipeline for a fleet of
 * customer tenants (an MSP's), with one sign-in through GDAP (or one per tenant), `--concurrency`
 * tenants at a time. The file is checked whole before anyone signs in; apply writes bulk-report.json
 * and connections.csv in --out as it goes. Ctrl-C starts no new tenant; a second Ctrl-C abandons
 * the ones in flight. Exit 0 all succeeded (status: in sync), 1 some failed, 2 bad input, 3 changes
 * (plan with --detailed-exitcode) or drift (status).
 */
import type { CommandModule, InferredOptionTypes } from "yargs";
import type { BulkEvent } from "../../bulk/types.js";
import { ExitCode, InputError } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { appOptions, certificateOptions, connectionOptions, outputOptions, pruneOptions, sandboxOptions, type ArgsOf } from "../options.js";
import { jsonDocument, SCHEMAS } from "../render/json.js";
import { styleFor } from "../render/style.js";

export const BULK_ACTIONS = ["plan", "apply", "status"] as const;

export const bulkOptions = {
  auth: connectionOptions.auth,
  "client-id": connectionOptions["client-id"],
  cloud: connectionOptions.cloud,
  "graph-url": connectionOptions["graph-url"],
  "allow-graph-host": connectionOptions["allow-graph-host"],
  "token-cache": connectionOptions["token-cache"],
  "partner-tenant": { type: "string", describe: "Your own (partner) tenant, where you sign in once; customer tenants are then reached through GDAP (default: your account's home tenant)" },
  "sign-in-per-tenant": { type: "boolean", default: false, describe: "No GDAP: sign in to each tenant in turn (browser or device code each time)" },
  name: { ...appOptions.name, describe: "Display name of the app registration, where the file's 'name' column is empty" },
  profile: { ...appOptions.profile, describe: "Profile where the file's 'profile' column is empty: xops, m365, entra-id, or a YAML/JSON profile file" },
  adopt: appOptions.adopt,
  "allow-privileged": { ...appOptions["allow-privileged"], describe: "Let the profiles (the command line's and the file's) grant permissions or roles beyond read-only ones; without it such a row is a bad row" },
  rename: { ...appOptions.rename, describe: "Rename the app found via a tenant's connection.json to its name when the display name differs (otherwise that tenant fails)" },
  prune: { ...pruneOptions.prune, describe: "plan/apply: in each tenant, remove from the tool's own app the permissions and directory roles its profile does not ask for (as apply --prune; on an adopted app only those entra-onboard added). Without it they are only reported" },
  out: { type: "string", default: "entra-onboard-out", describe: "Directory (yours, not writable by group or others) for bulk-report.json, connections.csv and one <tenant id>/ directory per tenant (key files, connection.json)" },
  "add-certificate": certificateOptions["add-certificate"],
  "key-size": certificateOptions["key-size"],
  "validity-days": certificateOptions["validity-days"],
  concurrency: { type: "number", default: 8, describe: "Tenants in flight at once (1-256)" },
  "only-failed": { type: "boolean", default: false, describe: "Run only the tenants that did not succeed in the last bulk-report.json in --out (failed, interrupted or never run)" },
  yes: { alias: "y", type: "boolean", default: false, describe: "apply: do not ask for confirmation" },
  "detailed-exitcode": { type: "boolean", default: false, describe: "plan: exit 3 when some tenant has changes" },
  sandbox: { ...sandboxOptions.sandbox, describe: "Run against simulated tenants started in-process: a partner tenant with GDAP relationships to --tenants customers (no file needed: the customers are the fleet)" },
  "sandbox-url": sandboxOptions["sandbox-url"],
  "sandbox-ca": sandboxOptions["sandbox-ca"],
  tenants: { type: "number", default: 5, describe: "With --sandbox: how many customer tenants (1-1000)" },
  "sandbox-without-relationship": { type: "string", describe: "With --sandbox: customers (positions, e.g. 4,5) with no GDAP relationship: Entra refuses them (AADSTS50020)" },
  "sandbox-weak-relationship": { type: "string", describe: "With --sandbox: customers whose relationship grants only Cloud Application Administrator (preflight refuses)" },
  json: { ...outputOptions.json, describe: "Print one JSON document at the end (schema entra-onboard/bulk/v1, the shape of bulk-report.json)" },
  ndjson: { type: "boolean", default: false, describe: "Stream one JSON event per line on stdout as the run goes" },
  verbose: outputOptions.verbose,
  "log-format": outputOptions["log-format"],
} as const;

interface BulkPositionals {
  action: (typeof BULK_ACTIONS)[number];
  file: string | undefined;
}

export type BulkArgs = ArgsOf<typeof bulkOptions> & BulkPositionals;

export function bulkCommand(ctx: CliContext): CommandModule<object, InferredOptionTypes<typeof bulkOptions> & BulkPositionals> {
  return {
    command: "bulk <action> [file]",
    describe: "Run plan, apply or status for every tenant in a tenants file (CSV or YAML): one sign-in through GDAP, a report, resumable",
    builder: (y) =>
      y
        .positional("action", { choices: BULK_ACTIONS, demandOption: true, describe: "plan (read only), apply, or status (drift check)" })
        .positional("file", { type: "string", describe: "Tenants file: CSV with a header row, or YAML; columns tenant (required), friendlyName, profile, name, certificate" })
        .options(bulkOptions),
    handler: async (args) => {
      ctx.exitCode = await runBulk(args, ctx);
    },
  };
}

function checkArgs(args: BulkArgs, ctx: CliContext): void {
  const problems: string[] = [];
  if (!args.file && !args.sandbox) problems.push("name a tenants file (CSV or YAML), or use --sandbox to try it on simulated tenants");
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 256) problems.push("--concurrency must be a whole number from 1 to 256");
  if (args.sandbox && (!Number.isInteger(args.tenants) || args.tenants < 1 || args.tenants > 1000)) problems.push("--tenants must be 1-1000");
  if (args.json && args.ndjson) problems.push("--json and --ndjson are exclusive: one document at the end, or one event per line");
  if (args.detailedExitcode && args.action !== "plan") problems.push("--detailed-exitcode is for bulk plan (bulk status always exits 3 on drift)");
  if (args.prune && args.action === "status") problems.push("--prune is for bulk plan and bulk apply (bulk status reports what the profile does not ask for as drift either way)");
  if (args.action === "apply" && !args.yes && !ctx.isInteractive) problems.push("bulk apply changes tenants and needs confirmation: pass --yes when not running in a terminal");
  if (problems.length > 0) throw new InputError(`${problems.join("; ")}.`);
}

/** --out (bulk() checks it again, for library callers) and, with --only-failed, the last report in it. */
async function checkOut(args: BulkArgs): Promise<void> {
  const { checkFleetOutDir } = await import("../../bulk/out-dir.js");
  await checkFleetOutDir(args.out);
  if (!args.onlyFailed) return;
  const { readReport } = await import("../../bulk/report.js");
  if (!(await readReport(args.out))) throw new InputError(`--only-failed needs the report of an earlier bulk apply in ${args.out}; none is there.`);
}

/** "4,5" → [4, 5]. */
function positions(value: string | undefined, flag: string): number[] {
  if (value === undefined) return [];
  const list = value.split(",").map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new InputError(`${flag} takes customer positions such as 4,5, got '${value}'.`);
  return list;
}

async function runBulk(args: BulkArgs, ctx: CliContext): Promise<number> {
  checkArgs(args, ctx);
  const { loggerFor, signInOptions } = await import("../session.js");
  const { readTenantsFile, fleetFromTenants } = await import("../../bulk/tenants-file.js");
  const logger = await loggerFor(args, ctx);
  const defaults = {
    name: args.name,
    profile: args.profile,
    keySize: args.keySize,
    validityDays: args.validityDays,
    adopt: args.adopt,
    addCertificate: args.addCertificate,
    allowPrivileged: args.allowPrivileged,
    rename: args.rename,
    prune: args.prune,
  };
  // The whole file and --out are checked before the sandbox starts or anyone signs in.
  const fromFile = args.file ? await readTenantsFile(args.file, defaults, new Date()) : undefined;
  await checkOut(args);
  const { openFleetEndpoint } = await import("../bulk-endpoint.js");
  const provider = await openFleetEndpoint(args, ctx, logger, {
    withoutRelationship: positions(args.sandboxWithoutRelationship, "--sandbox-without-relationship"),
    weakRelationship: positions(args.sandboxWeakRelationship, "--sandbox-weak-relationship"),
  });
  try {
    const { endpoint } = provider;
    const fleet = fromFile ?? (await fleetFromTenants("the sandbox's customer tenants", provider.customers ?? [], defaults, new Date()));
    const { connectFleet } = await import("../../bulk/connect-fleet.js");
    const connection = await connectFleet({
      ...signInOptions(args, ctx, logger, endpoint),
      partnerTenant: args.partnerTenant ?? endpoint.partnerTenant,
      signInPerTenant: args.signInPerTenant,
      onRetry: (tenant, e) => logger.debug({ tenant, operation: e.operation, attempt: e.attempt }, `waiting ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}`),
      log: (tenant, entry) => logger.debug({ tenant, ...entry }, "graph request"),
      simulated: endpoint.simulated,
    });
    if (connection.partner) logger.info(`signed in as ${connection.partner.account ?? "?"} in partner tenant ${connection.partner.tenantId}${endpoint.simulated ? " (simulated)" : ""}; customer tenants are reached through GDAP`);
    if (args.action === "apply" && !args.yes) {
      const answer = await ctx.prompt(`Apply the plan in each of ${fleet.rows.length} tenants from ${fleet.source} (see \`bulk plan\`)? Only 'yes' will be accepted: `);
      if (answer.trim().toLowerCase() !== "yes") {
        ctx.stderr("Cancelled; nothing was changed.\n");
        return ExitCode.Failed;
      }
    }
    return await execute(args, ctx, logger, fleet, connection, endpoint.simulated);
  } finally {
    await provider.close();
  }
}

async function execute(
  args: BulkArgs,
  ctx: CliContext,
  logger: Awaited<ReturnType<typeof import("../session.js").loggerFor>>,
  fleet: import("../../bulk/tenants-file.js").Fleet,
  connection: import("../../bulk/connect-fleet.js").FleetConnection,
  simulated: boolean,
): Promise<number> {
  const { bulk } = await import("../../bulk/run.js");
  const { bulkProgress } = await import("../render/bulk-progress.js");
  const { renderBulk } = await import("../render/bulk.js");
  const style = styleFor(ctx);
  const progress = bulkProgress(ctx, logger, style);
  const stop = new AbortController();
  const abandon = new AbortController();
  let running = true;
  void ctx.waitForInterrupt().then(async () => {
    if (!running) return;
    stop.abort();
    progress.stop();
    logger.warn("interrupted: starting no new tenants, letting those in flight finish (Ctrl-C again to abandon them)");
    await ctx.waitForInterrupt();
    if (running) abandon.abort();
  });
  const trim = (await import("../heap-trim.js")).heapTrimmer(64);
  const onEvent = (event: BulkEvent) => {
    if (event.type === "tenant-finished") trim();
    progress.onEvent(event);
    if (args.ndjson) ctx.stdout(`${JSON.stringify(eventJson(event))}\n`);
  };
  const result = await bulk({ command: args.action, fleet, connection, outDir: args.out, concurrency: args.concurrency, onlyFailed: args.onlyFailed, stop: stop.signal, abandon: abandon.signal, onEvent, simulated }).finally(() => {
    running = false;
    progress.stop();
  });
  if (args.json) {
    const document = { ...result.report, reportFile: result.reportFile ?? null, connectionsFile: result.connectionsFile ?? null };
    ctx.stdout(jsonDocument(document));
  }
  else if (!args.ndjson) ctx.stdout(renderBulk(result, style, simulated));
  const n = result.summary;
  if (n.failed > 0 || result.interrupted) return ExitCode.Failed;
  if (args.action === "status" && n.changed > 0) return ExitCode.PendingChanges;
  // As a single `plan --detailed-exitcode`: 3 when some tenant has actions to apply, not for drift
  // apply leaves alone (that is what `bulk status` reports).
  const withActions = result.tenants.filter((t) => t.status === "succeeded" && t.actions.length > 0).length;
  if (args.action === "plan" && args.detailedExitcode && withActions > 0) return ExitCode.PendingChanges;
  return ExitCode.Success;
}

/** An event as one JSON line: errors as their message (an Error object serialises as {}). */
function eventJson(event: BulkEvent): Record<string, unknown> {
  const base = { schema: SCHEMAS.bulkEvent };
  if (event.type === "tenant-progress" && event.event.type === "action-failed") {
    const { error, ...rest } = event.event;
    return { ...base, ...event, event: { ...rest, error: error instanceof Error ? error.message : String(error) } };
  }
  return { ...base, ...event };
}
