/**
 * `entra-onboard apply`: show the plan, confirm, make the changes, re-read until the tenant shows
 * them, and print the connection details. On a terminal without a certificate option it follows
 * the platform's flow: the certificate is asked for after everything else is in place (the
 * platform's, or Enter to generate one). `--verify` then signs in as the app; its report joins the
 * output (with --json, as the `verify` field of the one document).
 */
import { ExitCode, InputError } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { certificateOptions, pfxOption, pruneOptions, tenantCommandOptions, waitSecondsOption, type ArgsOf, type CommandOf } from "../options.js";
import { renderApply } from "../render/apply.js";
import { applyDocument, jsonDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { styleFor } from "../render/style.js";
import { renderVerify } from "../render/verify.js";

export const applyOptions = {
  ...tenantCommandOptions,
  ...certificateOptions,
  certificate: {
    ...certificateOptions.certificate,
    describe:
      "Attach this public certificate (.cer/.crt/.pem), e.g. the one the platform generated; no private key is written. --no-certificate: everything but the certificate (attach it later with --certificate). With neither: on a terminal, asked for once everything else is in place (Enter generates one); with --yes or without a terminal, generated as before",
  },
  ...pfxOption,
  ...pruneOptions,
  yes: { alias: "y", type: "boolean", default: false, describe: "Apply without asking for confirmation (and, with no certificate option, generate the certificate as a script would)" },
  verify: { type: "boolean", default: false, describe: "Afterwards, sign in as the app with its certificate and check its permissions (see verify)" },
  "wait-seconds": waitSecondsOption("With --verify: how long to retry checks that wait for propagation"),
} as const;

export type ApplyArgs = ArgsOf<typeof applyOptions>;

export function applyCommand(ctx: CliContext): CommandOf<typeof applyOptions> {
  return {
    command: "apply",
    describe: "Show the plan, confirm, make the changes and print the connection details (on a terminal with no certificate option, the platform's certificate is asked for last)",
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
  const brought = typeof args.certificate === "string";
  if (args.verify && brought) {
    throw new InputError("--verify signs in as the app with its private key, which the platform holds when you attach --certificate: drop --verify and verify from the platform instead.");
  }
  if (args.pfx && (brought || (args.certificate as unknown) === false)) {
    throw new InputError(`--pfx writes the private key of a certificate generated here, and ${brought ? "--certificate brings none" : "--no-certificate makes none"}: drop one of them.`);
  }
  const { loggerFor, withSession } = await import("../session.js");
  const { localInputsFromArgs, runOptions, pfxPassphrase } = await import("../onboard-options.js");
  const { apply } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const { desired, recorded } = await localInputsFromArgs(args);
  // Before sign-in: a missing passphrase stops the run with nothing read or written.
  const passphrase = args.pfx ? await pfxPassphrase(ctx) : undefined;
  const style = styleFor(ctx);
  // The platform's flow: only a person at a terminal who chose no certificate is asked.
  const asks = ctx.isInteractive && !args.yes && args.certificate === undefined;
  const chooseCertificate = asks ? (await import("../certificate-question.js")).certificateQuestion(ctx, style, { pfx: args.pfx }) : undefined;
  return withSession(args, ctx, logger, recorded, async ({ session, endpoint }) => {
    const result = await apply(session, {
      ...runOptions(args, desired, logger),
      chooseCertificate,
      pfxPassphrase: passphrase,
      confirm: async (plan) => {
        ctx.stderr(renderPlan({ plan, inSync: false, preflight: [], outDir: "", simulated: session.simulated }, style, "plan"));
        if (chooseCertificate && plan.certificate.state === "none") {
          ctx.stderr("The certificate comes after these changes: the one the platform generates (its \"Generate Public Key & Download\"), or Enter to generate one here.\n");
        }
        if (args.yes) return true;
        const answer = await ctx.prompt("Apply these changes to the tenant? Only 'yes' will be accepted: ");
        return answer.trim().toLowerCase() === "yes";
      },
    });
    if (!args.verify) {
      ctx.stdout(args.json ? jsonDocument(applyDocument(result)) : renderApply(result, style));
      return ExitCode.Success;
    }
    if (!result.connection.certificate?.keyPath) {
      // The platform's certificate (chosen at the prompt): its key is with the platform.
      const note = "--verify skipped: entra-onboard holds no key for the connection's certificate (the platform does); verify from the platform";
      const noted = { ...result, warnings: [...result.warnings, note] };
      ctx.stdout(args.json ? jsonDocument(applyDocument(noted)) : `${renderApply(result, style)}${note}\n`);
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
