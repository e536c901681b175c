/** `entra-onboard sandbox`: serve simulated tenants on loopback until interrupted. */
import { ExitCode, InputError } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { connectionOptions, outputOptions, type ArgsOf, type CommandOf } from "../options.js";

export const sandboxCommandOptions = {
  port: { type: "number", default: 0, describe: "Port on 127.0.0.1 (0 = a free port)" },
  tenants: { type: "number", default: 1, describe: "How many simulated tenants" },
  latency: { type: "number", default: 0, describe: "Milliseconds added to every Graph request" },
  lag: { type: "number", default: 0, describe: "Replication delay in ms: new/changed objects stay invisible or stale this long" },
  throttle: { type: "number", default: 0, describe: "Probability (0-1) of a 429 with Retry-After" },
  "fail-rate": { type: "number", default: 0, describe: "Probability (0-1) of a 503" },
  "admin-without-pra": { type: "boolean", default: false, describe: "The simulated admin lacks Privileged Role Administrator (shows the preflight refusal)" },
  "ca-file": { type: "string", describe: "Where to write the sandbox CA certificate (default: a private directory in the OS temp directory, removed when the sandbox stops)" },
  partner: { type: "boolean", default: false, describe: "Play an MSP: add a partner tenant whose admin holds a GDAP relationship with every tenant (for `bulk`: one sign-in reaches them all)" },
  "without-relationship": { type: "string", describe: "With --partner: tenants (positions, e.g. 4,5) with no relationship: Entra refuses the partner there (AADSTS50020)" },
  "weak-relationship": { type: "string", describe: "With --partner: tenants whose relationship grants only Cloud Application Administrator (preflight refuses)" },
  cloud: { ...connectionOptions.cloud, describe: "Play this Microsoft cloud: its Graph and Exchange Online resource identifiers (https://graph.microsoft.us, …), discovery names and first-party permissions (default global); run the tool with the same --cloud" },
  "write-tenants-file": { type: "string", describe: "Write a tenants file (CSV) listing the tenants, ready for `entra-onboard bulk` (implies --partner)" },
  verbose: outputOptions.verbose,
} as const;

export type SandboxCommandArgs = ArgsOf<typeof sandboxCommandOptions>;

export function sandboxCommand(ctx: CliContext): CommandOf<typeof sandboxCommandOptions> {
  return {
    command: "sandbox",
    describe: "Start a local simulated Entra tenant (Graph + sign-in) on loopback until Ctrl-C",
    builder: (y) => y.options(sandboxCommandOptions),
    handler: async (args) => {
      ctx.exitCode = await runSandbox(args, ctx);
    },
  };
}

function checkKnobs(args: SandboxCommandArgs): void {
  const problems: string[] = [];
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) problems.push("--port must be 0-65535");
  if (!Number.isInteger(args.tenants) || args.tenants < 1 || args.tenants > 1000) problems.push("--tenants must be 1-1000");
  for (const [name, v] of [["--throttle", args.throttle], ["--fail-rate", args.failRate]] as const) if (!(v >= 0 && v <= 1)) problems.push(`${name} must be between 0 and 1`);
  for (const [name, v] of [["--latency", args.latency], ["--lag", args.lag]] as const) if (!(v >= 0)) problems.push(`${name} must be ≥ 0 ms`);
  if (problems.length > 0) throw new InputError(`${problems.join("; ")}.`);
}

async function runSandbox(args: SandboxCommandArgs, ctx: CliContext): Promise<number> {
  checkKnobs(args);
  const msp = await import("../sandbox-partner.js");
  const { startSandbox } = await import("../../sandbox/server.js");
  const { writeCaFile } = await import("../sandbox-ca-file.js");
  const sandbox = await startSandbox({
    port: args.port,
    tenants: args.tenants,
    faults: { latencyMs: args.latency, lagMs: args.lag, throttleRate: args.throttle, failRate: args.failRate },
    adminLacksPrivilegedRoleAdmin: args.adminWithoutPra,
    ...(args.cloud !== undefined ? { cloud: args.cloud } : {}),
    ...(args.verbose ? { log: (line: string) => ctx.stderr(`${line}\n`) } : {}),
    ...msp.partnerOptions(args),
  });
  // A private directory of its own (removed below), or the explicit --ca-file: see sandbox-ca-file.ts.
  const ca = await writeCaFile(sandbox.caPem, args.caFile).catch(async (error: unknown) => {
    await sandbox.close();
    throw error;
  });
  const caFile = ca.path;
  const partnerText = await msp.describePartner(sandbox, args.writeTenantsFile, caFile).catch(async (error: unknown) => {
    await sandbox.close();
    await ca.remove();
    throw error;
  });
  // Listen for Ctrl-C/SIGTERM before the banner invites one: a signal arriving earlier would kill
  // the process without stopping the sandbox or removing the CA directory.
  const interrupted = ctx.waitForInterrupt();
  const tenants = sandbox.tenants.map((t) => `  ${t.id}  ${t.initialDomain}  (${t.displayName})`).join("\n");
  const cloud = sandbox.cloud === "global" ? "" : ` --cloud ${sandbox.cloud}`;
  ctx.stdout(
    `Sandbox running: a SIMULATED Entra tenant for trying entra-onboard; nothing here is real.\n` +
      `  Graph URL:      ${sandbox.graphUrl}/v1.0\n  Authority URL:  ${sandbox.authorityHost}\n  CA file:        ${caFile}\n` +
      `Tenants:\n${tenants}\n${partnerText}` +
      `Device-code sign-in is approved automatically as a simulated admin${args.adminWithoutPra ? " WITHOUT Privileged Role Administrator" : ""}.\n` +
      (cloud ? `Cloud:   ${sandbox.cloud} (its resource identifiers and discovery names; pass --cloud ${sandbox.cloud} to every command)\n` : "") +
      `Use it:  entra-onboard apply${cloud} --sandbox-url ${sandbox.url} --sandbox-ca ${caFile} --yes\n` +
      `Press Ctrl-C to stop.\n`,
  );
  await interrupted;
  await sandbox.close();
  await ca.remove();
  ctx.stderr("sandbox stopped\n");
  return ExitCode.Success;
}
