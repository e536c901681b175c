/**
 * `entra-onboard verify`: sign in as the onboarded app with the certificate and key in --out and
 * check tokens, permissions and a Graph read. Needs no admin sign-in.
 */
import { ExitCode } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { appOptions, connectionOptions, outputOptions, sandboxOptions, waitSecondsOption, type ArgsOf, type CommandOf } from "../options.js";
import { jsonDocument, verifyDocument } from "../render/json.js";
import { renderVerify } from "../render/verify.js";

export const verifyOptions = {
  tenant: connectionOptions.tenant,
  cloud: connectionOptions.cloud,
  "graph-url": connectionOptions["graph-url"],
  "allow-graph-host": connectionOptions["allow-graph-host"],
  profile: appOptions.profile,
  out: appOptions.out,
  ...sandboxOptions,
  ...outputOptions,
  "wait-seconds": waitSecondsOption("How long to retry checks that fail for propagation delay"),
} as const;

export type VerifyArgs = ArgsOf<typeof verifyOptions>;

export function verifyCommand(ctx: CliContext): CommandOf<typeof verifyOptions> {
  return {
    command: "verify",
    describe: "Sign in as the onboarded app with its certificate and check tokens, permissions and a Graph read",
    builder: (y) => y.options(verifyOptions),
    handler: async (args) => {
      ctx.exitCode = await runVerify(args, ctx);
    },
  };
}

async function runVerify(args: VerifyArgs, ctx: CliContext): Promise<number> {
  const { loggerFor } = await import("../session.js");
  const { openEndpoint } = await import("../endpoint.js");
  const { findConnection, verifyConnection } = await import("../verify-connection.js");
  const { resolveProfile } = await import("../../core/profiles.js");
  const logger = await loggerFor(args, ctx);
  const connection = await findConnection(args);
  const profile = await resolveProfile(args.profile);
  // An in-process --sandbox would be a new, empty tenant: verify only talks to one already running.
  const provider = await openEndpoint({ ...args, sandbox: false }, ctx, logger, connection.recorded);
  try {
    const report = await verifyConnection(connection, profile, provider.endpoint, logger, args.waitSeconds);
    ctx.stdout(args.json ? jsonDocument(verifyDocument(report, provider.endpoint.simulated)) : renderVerify(report));
    return report.ok ? ExitCode.Success : ExitCode.Failed;
  } finally {
    await provider.close();
  }
}
