/**
 * yargs command modules for plan, apply, status and remove. Builders are plain option data; the
 * handlers import the runtime lazily so that `--help` and `--version` stay fast.
 */
import type { Argv, CommandModule } from "yargs";
import type { CliContext } from "../context.js";
import { appOptions, certificateOptions, connectionOptions, outputOptions } from "../options.js";

const withCommon = (y: Argv) => y.options(connectionOptions).options(appOptions).options(outputOptions);

export function planCommand(ctx: CliContext): CommandModule {
  return {
    command: "plan",
    describe: "Read the tenant and show what apply would change (never writes)",
    builder: (y) =>
      withCommon(y)
        .options(certificateOptions)
        .option("detailed-exitcode", { type: "boolean", default: false, describe: "Exit 3 when there are changes to apply" }),
    handler: async (args) => {
      const { runPlan } = await import("../run-commands.js");
      ctx.exitCode = await runPlan(args as never, ctx, "plan");
    },
  };
}

export function statusCommand(ctx: CliContext): CommandModule {
  return {
    command: "status",
    describe: "Drift check: exit 0 in sync, 3 when the app differs from the profile (read-only)",
    builder: (y) => withCommon(y).options(certificateOptions),
    handler: async (args) => {
      const { runPlan } = await import("../run-commands.js");
      ctx.exitCode = await runPlan({ ...(args as object), detailedExitcode: false } as never, ctx, "status");
    },
  };
}

export function applyCommand(ctx: CliContext): CommandModule {
  return {
    command: "apply",
    describe: "Show the plan, confirm, make the changes, verify, and print the connection details",
    builder: (y) =>
      withCommon(y)
        .options(certificateOptions)
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Apply without asking for confirmation" }),
    handler: async (args) => {
      const { runApply } = await import("../run-commands.js");
      ctx.exitCode = await runApply(args as never, ctx);
    },
  };
}

export function removeCommand(ctx: CliContext): CommandModule {
  return {
    command: "remove",
    describe: "Delete the app registration this tool created (never one it does not own)",
    builder: (y) => withCommon(y).option("yes", { alias: "y", type: "boolean", default: false, describe: "Delete without asking for confirmation" }),
    handler: async (args) => {
      const { runRemove } = await import("../run-commands.js");
      ctx.exitCode = await runRemove(args as never, ctx);
    },
  };
}
