/**
 * `entra-onboard status`: the plan judged as drift. Exit 0 in sync, 3 on drift (including what
 * apply leaves alone); preflight problems are shown at the top but do not change the exit code.
 */
import { ExitCode } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { jsonDocument, planDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { styleFor } from "../render/style.js";
import { certificateOptions, tenantCommandOptions, type ArgsOf, type CommandOf } from "../options.js";

export const statusOptions = { ...tenantCommandOptions, ...certificateOptions } as const;

export type StatusArgs = ArgsOf<typeof statusOptions>;

export function statusCommand(ctx: CliContext): CommandOf<typeof statusOptions> {
  return {
    command: "status",
    describe: "Drift check: exit 0 in sync, 3 when the app differs from the profile (read-only)",
    builder: (y) => y.options(statusOptions),
    handler: async (args) => {
      ctx.exitCode = await runStatus(args, ctx);
    },
  };
}

async function runStatus(args: StatusArgs, ctx: CliContext): Promise<number> {
  const { loggerFor, withSession } = await import("../session.js");
  const { localInputsFromArgs, runOptions } = await import("../onboard-options.js");
  const { status } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const { desired, recorded } = await localInputsFromArgs(args);
  return withSession(args, ctx, logger, recorded, async ({ session }) => {
    const result = await status(session, runOptions(args, desired, logger));
    ctx.stdout(args.json ? jsonDocument(planDocument(result, "status")) : renderPlan(result, styleFor(ctx), "status"));
    return result.inSync ? ExitCode.Success : ExitCode.PendingChanges;
  });
}
