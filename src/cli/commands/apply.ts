/**
 * `entra-onboard apply`: show the plan, confirm, make the changes, re-read until the tenant shows
 * them, and print the connection details. `--verify` then signs in as the app; its report joins
 * the output (with --json, as the `verify` field of the one document).
 */
import { ExitCode, InputError } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { certificateOptions, pruneOptions, tenantCommandOptions, waitSecondsOption, type ArgsOf, type CommandOf } from "../options.js";
import { renderApply } from "../render/apply.js";
import { applyDocument, jsonDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { styleFor } from "../render/style.js";
import { renderVerify } from "../render/verify.js";

export const applyOptions = {
  ...tenantCommandOptions,
  ...certificateOptions,
  ...pruneOptions,
  yes: { alias: "y", type: "boolean", default: false, describe: "Apply without asking for confirmation" },
  verify: { type: "boolean", default: false, describe: "Afterwards, sign in as the app with its certificate and check its permissions (see verify)" },
  "wait-seconds": waitSecondsOption("With --verify: how long to retry checks that wait for propagation"),
} as const;

export type ApplyArgs = ArgsOf<typeof applyOptions>;

export function applyCommand(ctx: CliContext): CommandOf<typeof applyOptions> {
  return {
    command: "apply",
    describe: "Show the plan, confirm, make the changes, verify, and print the connection details",
    builder: (y) => y.options(applyOptions),
    handler: async (args) => {
      ctx.exitCode = await runApply(args, ctx);
    },
  };
}

async function runApply(args: ApplyArgs, ctx: CliContext): Promise<number> {
  if (!args.yes && !ctx.isInteractive) {
    throw new InputError("apply changes the tenant and needs confirmation: pass --yes when not running in a terminal.");
  }
  if (args.verify && args.certificate) {
    throw new InputError("--verify signs in as the app with its private key, which the platform holds when you attach --certificate: drop --verify and verify from the platform instead.");
  }
  const { loggerFor, withSession } = await import("../session.js");
  const { desiredFromArgs, runOptions } = await import("../onboard-options.js");
  const { apply } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const desired = await desiredFromArgs(args);
  const style = styleFor(ctx);
  return withSession(args, ctx, logger, async ({ session, endpoint }) => {
    const result = await apply(session, {
      ...runOptions(args, desired, logger),
      confirm: async (plan) => {
        ctx.stderr(renderPlan({ plan, inSync: false, preflight: [], outDir: "", simulated: session.simulated }, style, "plan"));
        if (args.yes) return true;
        const answer = await ctx.prompt("Apply these changes to the tenant? Only 'yes' will be accepted: ");
        return answer.trim().toLowerCase() === "yes";
      },
    });
    if (!args.verify) {
      ctx.stdout(args.json ? jsonDocument(applyDocument(result)) : renderApply(result, style));
      return ExitCode.Success;
    }
    if (!args.json) ctx.stdout(renderApply(result, style));
    const { verifyConnection } = await import("../verify-connection.js");
    // The profile as already read for this run: verify checks the same permissions apply granted.
    const report = await verifyConnection(result.connection, desired.profile, endpoint, logger, args.waitSeconds).catch((error: unknown) => {
      // The tenant was changed: the one document still reports it, then the error is raised.
      if (args.json) ctx.stdout(jsonDocument(applyDocument(result, { error: error instanceof Error ? error.message : String(error) })));
      throw error;
    });
    ctx.stdout(args.json ? jsonDocument(applyDocument(result, report)) : renderVerify(report));
    return report.ok ? ExitCode.Success : ExitCode.Failed;
  });
}
