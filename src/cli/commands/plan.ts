/**
 * `entra-onboard plan`: read the tenant and show what apply would change (`--destroy`: what
 * remove would delete). Never writes. Exit 4 when the signed-in admin could not apply the plan.
 */
import { ExitCode } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { jsonDocument, planDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { styleFor } from "../render/style.js";
import { certificateOptions, pruneOptions, tenantCommandOptions, type ArgsOf, type CommandOf } from "../options.js";

export const planOptions = {
  ...tenantCommandOptions,
  ...certificateOptions,
  prune: { ...pruneOptions.prune, describe: "Show what apply --prune would remove from the tool's own app (permissions and roles the profile does not ask for)" },
  "detailed-exitcode": { type: "boolean", default: false, describe: "Exit 3 when there are changes to apply" },
  destroy: { type: "boolean", default: false, describe: "Show what `remove` would delete instead (as terraform plan -destroy)" },
} as const;

export type PlanArgs = ArgsOf<typeof planOptions>;

export function planCommand(ctx: CliContext): CommandOf<typeof planOptions> {
  return {
    command: "plan",
    describe: "Read the tenant and show what apply would change (never writes)",
    builder: (y) => y.options(planOptions),
    handler: async (args) => {
      ctx.exitCode = await runPlan(args, ctx);
    },
  };
}

async function runPlan(args: PlanArgs, ctx: CliContext): Promise<number> {
  const { loggerFor, withSession } = await import("../session.js");
  const { localInputsFromArgs, runOptions } = await import("../onboard-options.js");
  const { plan } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const { desired, recorded } = await localInputsFromArgs(args);
  return withSession(args, ctx, logger, recorded, async ({ session }) => {
    const result = await plan(session, { ...runOptions(args, desired, logger), mode: args.destroy ? "destroy" : "apply" });
    ctx.stdout(args.json ? jsonDocument(planDocument(result, "plan")) : renderPlan(result, styleFor(ctx), "plan"));
    if (result.preflight.length > 0) return ExitCode.PreflightWouldRefuse;
    return args.detailedExitcode && result.plan.actions.length > 0 ? ExitCode.PendingChanges : ExitCode.Success;
  });
}
