/**
 * `entra-onboard rotate`: a new certificate next to the connection's current one (generated, or
 * `--certificate` from the platform), the old one kept until the new one is proven (a generated
 * one: rotate signs in with it, as verify does, then retires the old) or retired with `--retire`.
 * Shown and confirmed like apply; `--dry-run` shows the plan only.
 */
import { ExitCode, InputError } from "../../shared/errors.js";
import type { VerifyReport } from "../../core/verify.js";
import type { CliContext } from "../context.js";
import { generatedCertificateOptions, pfxOption, tenantCommandOptions, waitSecondsOption, type ArgsOf, type CommandOf } from "../options.js";
import { jsonDocument, rotateDocument } from "../render/json.js";
import { renderPlan } from "../render/plan.js";
import { renderRotated } from "../render/rotate.js";
import { styleFor } from "../render/style.js";

export const rotateOptions = {
  ...tenantCommandOptions,
  certificate: { type: "string", describe: "Rotate to this public certificate (e.g. the platform's new one, .cer/.crt/.pem) instead of generating one; the old one stays until --retire" },
  ...generatedCertificateOptions,
  ...pfxOption,
  retire: {
    type: "string",
    describe: "Take this certificate (SHA-1 thumbprint) off the app. Alone, rotate only retires. One entra-onboard did not add is removed only after a confirmation (or --yes)",
  },
  verify: { type: "boolean", default: true, describe: "With a generated certificate: sign in as the app with the new key and, when that works, retire the one it replaces (--no-verify keeps it)" },
  "wait-seconds": waitSecondsOption("How long verify retries checks that wait for the new certificate to propagate"),
  yes: { alias: "y", type: "boolean", default: false, describe: "Rotate without asking for confirmation (also confirms retiring a certificate entra-onboard did not add)" },
  "dry-run": { type: "boolean", default: false, describe: "Show the rotation plan and change nothing" },
} as const;

export type RotateArgs = ArgsOf<typeof rotateOptions>;

export function rotateCommand(ctx: CliContext): CommandOf<typeof rotateOptions> {
  return {
    command: "rotate",
    describe: "Add a new certificate next to the current one (generated, or --certificate), keep the old one until the new one is verified or --retire'd",
    builder: (y) => y.options(rotateOptions),
    handler: async (args) => {
      ctx.exitCode = await runRotate(args, ctx);
    },
  };
}

async function runRotate(args: RotateArgs, ctx: CliContext): Promise<number> {
  if (!args.dryRun && !args.yes && !ctx.isInteractive) {
    throw new InputError("rotate changes the app's certificates and needs confirmation: pass --yes when not running in a terminal (or --dry-run to only look).");
  }
  if (args.pfx && (args.certificate !== undefined || args.retire !== undefined)) {
    throw new InputError(`--pfx writes the private key of a certificate generated here, and ${args.certificate !== undefined ? "--certificate brings none" : "--retire adds none"}: drop one of them.`);
  }
  const { loggerFor, withSession } = await import("../session.js");
  const { localInputsFromArgs, runOptions, pfxPassphrase } = await import("../onboard-options.js");
  const { rotate } = await import("../../core/pipeline.js");
  const logger = await loggerFor(args, ctx);
  const { desired, recorded } = await localInputsFromArgs(args);
  const passphrase = args.pfx && !args.dryRun ? await pfxPassphrase(ctx) : undefined;
  const style = styleFor(ctx);
  return withSession(args, ctx, logger, recorded, async ({ session, endpoint }) => {
    let report: VerifyReport | undefined;
    const result = await rotate(session, {
      ...runOptions(args, desired, logger),
      retire: args.retire,
      dryRun: args.dryRun,
      pfxPassphrase: passphrase,
      confirm: async (plan) => {
        ctx.stderr(renderPlan({ plan, inSync: false, preflight: [], outDir: "", simulated: session.simulated }, style, "plan"));
        if (args.yes) return true;
        return (await ctx.prompt("Rotate the app's certificates as shown? Only 'yes' will be accepted: ")).trim().toLowerCase() === "yes";
      },
      confirmForeign: async (thumbprints) => {
        if (args.yes) return true;
        ctx.stderr(style.warn(`${thumbprints.join(", ")} ${thumbprints.length === 1 ? "was" : "were"} NOT added by entra-onboard: someone uploaded ${thumbprints.length === 1 ? "it" : "them"}, and whatever signs in with ${thumbprints.length === 1 ? "its" : "their"} key stops working.\n`));
        const answer = await ctx.prompt(`Type the first 8 characters of ${thumbprints[0]} to remove ${thumbprints.length === 1 ? "it" : "them"} anyway: `);
        return answer.trim().toUpperCase() === (thumbprints[0] ?? "").slice(0, 8);
      },
      prove: args.verify
        ? async (connection) => {
            const { verifyConnection } = await import("../verify-connection.js");
            report = await verifyConnection(connection, desired.profile, endpoint, logger, args.waitSeconds);
            return report;
          }
        : undefined,
    });
    if (args.json) ctx.stdout(jsonDocument(rotateDocument(result, report)));
    else if (result.dryRun) ctx.stdout(renderPlan({ plan: result.plan, inSync: result.plan.actions.length === 0, preflight: [], outDir: result.outDir, simulated: result.simulated }, style, "plan"));
    else ctx.stdout(renderRotated(result, style, report));
    return report && !report.ok ? ExitCode.Failed : ExitCode.Success;
  });
}
