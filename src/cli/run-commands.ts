/**
 * What each tenant command does once its arguments are parsed: build the session, call the library,
 * print the result, and return the exit code. Imported lazily, so --help never loads it.
 */
import { apply, checkLocalInputs, plan, remove } from "../core/pipeline.js";
import type { Plan } from "../core/types.js";
import { ExitCode, InputError } from "../shared/errors.js";
import type { CliContext } from "./context.js";
import { renderApply, renderPlan, styleFor } from "./render.js";
import { connect, endpointFromArgs, loggerFor, onboardOptions, type CommonArgs, type Endpoint } from "./runtime.js";
import { sandboxProvider, type SandboxArgs } from "./sandbox-endpoint.js";

export interface PlanArgs extends CommonArgs, SandboxArgs {
  detailedExitcode: boolean;
}
export interface ApplyArgs extends CommonArgs, SandboxArgs {
  yes: boolean;
  verify?: boolean | undefined;
}

/** The sandbox hooks in here (issue #3): it provides the endpoint and tears it down afterwards. */
export interface EndpointProvider {
  endpoint: Endpoint;
  close: () => Promise<void>;
}

type Logger = Awaited<ReturnType<typeof loggerFor>>;

async function withSession<T>(
  args: CommonArgs & SandboxArgs,
  ctx: CliContext,
  run: (s: Awaited<ReturnType<typeof connect>>, logger: Logger, endpoint: Endpoint) => Promise<T>,
): Promise<T> {
  const logger = await loggerFor(args, ctx);
  // Fail on bad input before an interactive sign-in, not after.
  await checkLocalInputs(onboardOptions(args, logger), new Date());
  const provider = await sandboxProvider(args, logger);
  const endpoint = provider?.endpoint ?? endpointFromArgs(args, ctx);
  try {
    const session = await connect(args, ctx, logger, endpoint);
    return await run(session, logger, endpoint);
  } finally {
    await provider?.close();
  }
}

const color = (ctx: CliContext) => ctx.isInteractive && !ctx.env.NO_COLOR;

export async function runPlan(args: PlanArgs, ctx: CliContext, mode: "plan" | "status"): Promise<number> {
  return withSession(args, ctx, async (session, logger) => {
    const result = await plan(session, onboardOptions(args, logger));
    if (args.json) ctx.stdout(`${JSON.stringify({ ...result.plan, command: mode, simulated: result.simulated, inSync: result.inSync, preflight: result.preflight })}\n`);
    else ctx.stdout(renderPlan(result, styleFor(color(ctx)), mode));
    if (mode === "status") return result.inSync ? ExitCode.Success : ExitCode.PendingChanges;
    return args.detailedExitcode && result.plan.actions.length > 0 ? ExitCode.PendingChanges : ExitCode.Success;
  });
}

export async function runApply(args: ApplyArgs, ctx: CliContext): Promise<number> {
  if (!args.yes && !ctx.isInteractive) {
    throw new InputError("apply changes the tenant and needs confirmation: pass --yes when not running in a terminal.");
  }
  return withSession(args, ctx, async (session, logger, endpoint) => {
    const confirm = async (p: Plan): Promise<boolean> => {
      ctx.stderr(renderPlan({ plan: p, inSync: false, preflight: [], outDir: "", simulated: session.simulated }, styleFor(color(ctx)), "plan"));
      if (args.yes) return true;
      const answer = await ctx.prompt("Apply these changes to the tenant? Only 'yes' will be accepted: ");
      return answer.trim().toLowerCase() === "yes";
    };
    const result = await apply(session, { ...onboardOptions(args, logger), confirm });
    if (args.json) {
      const c = result.connection;
      ctx.stdout(`${JSON.stringify({ ...c, simulated: result.simulated, changed: result.changed, actions: result.results.map((r) => ({ ...r.action, outcome: r.outcome, detail: r.detail })), warnings: result.warnings })}\n`);
    } else ctx.stdout(renderApply(result, styleFor(color(ctx))));
    if (!args.verify) return ExitCode.Success;
    const { verifyConnection } = await import("./run-verify.js");
    return verifyConnection(result.connection, args, ctx, logger, endpoint);
  });
}

export async function runRemove(args: ApplyArgs, ctx: CliContext): Promise<number> {
  if (!args.yes && !ctx.isInteractive) throw new InputError("remove deletes the app registration and needs confirmation: pass --yes when not running in a terminal.");
  return withSession(args, ctx, async (session, logger) => {
    const result = await remove(session, {
      ...onboardOptions(args, logger),
      confirm: async (app) => {
        if (args.yes) return true;
        const answer = await ctx.prompt(`Delete app registration ${app.displayName} (appId ${app.appId}) and its service principal? Only 'yes' will be accepted: `);
        return answer.trim().toLowerCase() === "yes";
      },
    });
    if (args.json) ctx.stdout(`${JSON.stringify({ formatVersion: 1, simulated: result.simulated, removed: result.removed ?? null })}\n`);
    else if (result.removed) ctx.stdout(`${result.simulated ? "Simulated tenant (local sandbox): " : ""}Deleted app registration ${args.name} (appId ${result.removed.appId}) and its service principal.\nLocal certificate files in ${result.outDir} were kept; delete them when no longer needed.\n`);
    else ctx.stdout(`Nothing to remove: no app registration '${args.name}' created by entra-onboard in this tenant.\n`);
    return ExitCode.Success;
  });
}

export async function runVerify(args: import("./run-verify.js").VerifyArgs & SandboxArgs & Pick<CommonArgs, "graphUrl" | "verbose" | "logFormat">, ctx: CliContext): Promise<number> {
  const logger = await loggerFor(args, ctx);
  const { findConnection, verifyConnection } = await import("./run-verify.js");
  const connection = await findConnection(args);
  const provider = await sandboxProvider({ ...args, sandbox: false }, logger);
  try {
    return await verifyConnection(connection, args, ctx, logger, provider?.endpoint ?? endpointFromArgs(args, ctx));
  } finally {
    await provider?.close();
  }
}
