/**
 * Builds the yargs command line and runs it. Returns an exit code; errors become one clear line on
 * stderr (the stack only with --verbose). Usage mistakes are exit 2, like any other bad input.
 */
import yargs from "yargs";
import { AppError, ExitCode, InputError } from "../shared/errors.js";
import { printable } from "../shared/input-text.js";
import { parsedArgumentProblem, rawArgumentProblem } from "./argv-checks.js";
import { logoutCommand } from "./commands/logout.js";
import { applyCommand } from "./commands/apply.js";
import { bulkCommand } from "./commands/bulk.js";
import { planCommand } from "./commands/plan.js";
import { removeCommand } from "./commands/remove.js";
import { rotateCommand } from "./commands/rotate.js";
import { sandboxCommand } from "./commands/sandbox.js";
import { statusCommand } from "./commands/status.js";
import { verifyCommand } from "./commands/verify.js";
import type { CliContext, CliIo } from "./context.js";
import { EXIT_CODES_TEXT } from "./options.js";

class UsageError extends AppError {
  override readonly exitCode = ExitCode.InvalidInput;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { ...io, exitCode: ExitCode.Success };
  const verbose = argv.includes("--verbose");
  const parser = yargs()
    .scriptName("entra-onboard")
    .usage(
      "$0 <command> [options]\n\nOnboard a Microsoft 365 / Entra ID tenant to the read-only cloud-operations platform in one idempotent run:\n" +
        "single-tenant app, Exchange.ManageAsApp and/or AccessReview.Read.All with admin consent, Global Reader, certificate.\n" +
        "Every command reads the tenant first; only apply, rotate and remove write, after showing what they will do.",
    )
    .command(planCommand(ctx))
    .command(applyCommand(ctx))
    .command(statusCommand(ctx))
    .command(rotateCommand(ctx))
    .command(removeCommand(ctx))
    .command(verifyCommand(ctx))
    .command(sandboxCommand(ctx))
    .command(logoutCommand(ctx))
    .command(bulkCommand(ctx))
    .check((args) => {
      // Every command's options are single-valued, non-empty and printable (argv-checks.ts).
      const problem = parsedArgumentProblem(args);
      if (problem) throw new InputError(problem);
      return true;
    }, true)
    .demandCommand(1, "Name a command: plan, apply, status, rotate, remove, verify, bulk, sandbox or logout.")
    .strict()
    .recommendCommands()
    .example("$0 apply --sandbox --yes --verify", "Try the whole onboarding against a simulated tenant")
    .example("$0 plan", "Sign in and show what would change")
    .example("$0 apply --tenant contoso.onmicrosoft.com", "Onboard the tenant (asks before writing)")
    .example("$0 status --json", "Drift check for scripts (exit 3 on drift)")
    .example("$0 apply --no-certificate --yes", "Everything but the certificate (for scripts); attach the platform's later with --certificate <file>")
    .example("$0 rotate --certificate new-platform.cer", "Attach the platform's new certificate next to the old one")
    .example("$0 plan --destroy", "Show what remove would delete")
    .example("$0 bulk apply tenants.csv", "Onboard every tenant in the file (MSPs: one sign-in through GDAP)")
    .epilogue(`${EXIT_CODES_TEXT}\n\nSign-in needs Global Administrator, or Privileged Role Administrator + Cloud Application Administrator.`)
    .version(false)
    .option("version", { alias: "v", type: "boolean", describe: "Show the version" })
    .help()
    .alias("help", "h")
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      // One line: yargs spreads some messages ("Invalid values:") over several.
      const line = message.replace(/\s*\n\s*/g, " ").trim();
      throw new UsageError(`${line}${/[.!?]$/.test(line) ? "" : "."} Run 'entra-onboard --help' for usage.`);
    });
  if (!argv.some((a) => a === "--help" || a === "-h")) skipEagerHelp(parser);
  try {
    const raw = rawArgumentProblem(argv);
    if (raw) throw new InputError(raw);
    // A parse callback makes yargs hand over --help/usage text instead of console.log-ing it.
    await parser.parseAsync([...argv], {}, (_error, _args, output) => {
      if (output) ctx.stdout(`${output}\n`);
    });
    return ctx.exitCode;
  } catch (error) {
    return reportError(error, ctx, verbose);
  }
}

/**
 * Before running a command's handler, yargs renders that command's whole help text and keeps it
 * (usage.cacheHelpMessage), in case the handler fails later and help must be shown: cliui tables,
 * wrap-ansi and string widths for every option, 20–80 ms of start-up on each run. Our .fail() never
 * shows help, so unless help was asked for that work is skipped, as the Angular CLI does
 * (angular/angular-cli pull request 34087). It reaches into yargs internals: if they change shape,
 * nothing is skipped and yargs behaves as it always did.
 */
function skipEagerHelp(parser: object): void {
  const internals = (parser as { getInternalMethods?: () => { getUsageInstance?: () => unknown } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.() as { cacheHelpMessage?: unknown } | undefined;
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => undefined;
}

function reportError(error: unknown, ctx: CliContext, verbose: boolean): number {
  if (error instanceof AppError) {
    // One line, whatever the tenant's names in it hold (an app's display name, an owner's).
    ctx.stderr(`error: ${printable(error.message)}\n`);
    if (verbose) ctx.stderr(`${error.detail ? `${error.detail}\n` : ""}${error.stack ?? ""}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  ctx.stderr(`error: ${printable(message.split("\n")[0] ?? "")}${verbose ? "" : " (run with --verbose for details)"}\n`);
  if (verbose && error instanceof Error) ctx.stderr(`${error.stack ?? ""}\n`);
  return ExitCode.Failed;
}
