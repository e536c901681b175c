/**
 * `entra-onboard remove`: the destroy plan, shown, confirmed and executed like apply's. Deletes the
 * app registration this tool created (its service principal, consents and role assignments go with
 * it) and never one it does not own. `--dry-run` shows the plan and deletes nothing.
 */
import { ExitCode, InputError } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { tenantCommandOptions, type ArgsOf, type CommandOf } from "../options.js";
import { jsonDocument, removeDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { renderRemoved } from "../render/remove.js";
import { styleFor } from "../render/style.js";

export const removeOptions = {
  ...tenantCommandOptions,
  yes: { alias: "y", type: "boolean", default: false, describe: "Delete without asking for confirmation" },
  "dry-run": { type: "boolean", default: false, describe: "Show what would be deleted and delete nothing (same as plan --destroy)" },
} as const;

export type RemoveArgs = ArgsOf<typeof removeOptions>;

export function removeCommand(ctx: CliContext): CommandOf<typeof removeOptions> {
  return {
    command: "remove",
    describe: "Undo the onboarding: delete the app this tool created, or take back what it added to an adopted one",
    builder: (y) => y.options(removeOptions),
    handler: async (args) => {
      ctx.exitCode = await runRemove(args, ctx);
    },
  };
}

async function runRemove(args: RemoveArgs, ctx: CliContext): Promise<number> {
  if (!args.dryRun && !args.yes && !ctx.isInteractive) {
    throw new InputError("remove deletes the app registration and needs confirmation: pass --yes when not running in a terminal (or --dry-run to only look).");
  }
  const { loggerFor, withSession } = await import("../session.js");
  const { localInputsFromArgs, runOptions } = await import("../onboard-options.js");
  const { remove } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const { desired, recorded } = await localInputsFromArgs(args);
  const style = styleFor(ctx);
  return withSession(args, ctx, logger, recorded, async ({ session }) => {
    const result = await remove(session, {
      ...runOptions(args, desired, logger),
      dryRun: args.dryRun,
      confirm: async ({ plan }) => {
        ctx.stderr(renderPlan({ plan, inSync: false, preflight: [], outDir: "", simulated: session.simulated }, style, "plan"));
        if (args.yes) return true;
        const deletes = plan.actions.some((a) => a.kind === "delete-application");
        const answer = await ctx.prompt(`${deletes ? "Delete this app registration and everything listed with it?" : "Take back what entra-onboard added, as listed (the app stays)?"} Only 'yes' will be accepted: `);
        return answer.trim().toLowerCase() === "yes";
      },
    });
    if (args.json) ctx.stdout(jsonDocument(removeDocument(result)));
    else if (result.dryRun) ctx.stdout(renderPlan({ plan: result.plan, inSync: result.plan.actions.length === 0, preflight: result.preflight, outDir: result.outDir, simulated: result.simulated }, style, "plan"));
    else ctx.stdout(renderRemoved(result));
    return result.dryRun && result.preflight.length > 0 ? ExitCode.PreflightWouldRefuse : ExitCode.Success;
  });
}
