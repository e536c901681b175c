/**
 * yargs command modules for plan, apply, status and remove. Builders are plain option data; the
 * handlers import the runtime lazily so that `--help` and `--version` stay fast.
 */
import type { Argv, CommandModule } from "yargs";
import type { CliContext } from "../context.js";
import { appOptions, certificateOptions, connectionOptions, outputOptions, sandboxOptions } from "../options.js";

const withCommon = (y: Argv) => y.options(connectionOptions).options(appOptions).options(sandboxOptions).options(outputOptions);

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
        .option("yes", { alias: "y", type: "boolean", default: false, describe: "Apply without asking for confirmation" })
        .option("verify", { type: "boolean", default: false, describe: "Afterwards, sign in as the app with its certificate and check its permissions (see verify)" })
        .option("wait-seconds", { type: "number", default: 180, describe: "With --verify: how long to retry checks that wait for propagation" }),
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

export function verifyCommand(ctx: CliContext): CommandModule {
  return {
    command: "verify",
    describe: "Sign in as the onboarded app with its certificate and check tokens, permissions and a Graph read",
    builder: (y) =>
      y
        .options({ tenant: connectionOptions.tenant, "graph-url": connectionOptions["graph-url"], profile: appOptions.profile, out: appOptions.out })
        .options(sandboxOptions)
        .options(outputOptions)
        .option("wait-seconds", { type: "number", default: 180, describe: "How long to retry checks that fail for propagation delay" }),
    handler: async (args) => {
      const { runVerify } = await import("../run-commands.js");
      ctx.exitCode = await runVerify(args as never, ctx);
    },
  };
}

export function sandboxCommand(ctx: CliContext): CommandModule {
  return {
    command: "sandbox",
    describe: "Start a local simulated Entra tenant (Graph + sign-in) on loopback until Ctrl-C",
    builder: (y) =>
      y
        .option("port", { type: "number", default: 0, describe: "Port on 127.0.0.1 (0 = a free port)" })
        .option("tenants", { type: "number", default: 1, describe: "How many simulated tenants" })
        .option("latency", { type: "number", default: 0, describe: "Milliseconds added to every Graph request" })
        .option("lag", { type: "number", default: 0, describe: "Replication delay in ms: new/changed objects stay invisible or stale this long" })
        .option("throttle", { type: "number", default: 0, describe: "Probability (0-1) of a 429 with Retry-After" })
        .option("fail-rate", { type: "number", default: 0, describe: "Probability (0-1) of a 503" })
        .option("admin-without-pra", { type: "boolean", default: false, describe: "The simulated admin lacks Privileged Role Administrator (shows the preflight refusal)" })
        .option("ca-file", { type: "string", describe: "Where to write the sandbox CA certificate (default: in the OS temp directory)" })
        .options({ verbose: outputOptions.verbose }),
    handler: async (args) => {
      const { runSandbox } = await import("../run-sandbox.js");
      ctx.exitCode = await runSandbox(args as never, ctx);
    },
  };
}
