/**
 * From parsed arguments to the library's options. The desired state is built here ONCE, before
 * sign-in (a typo never costs an interactive login), and handed to the library as `desired`, so
 * the profile and certificate files are not read again.
 */
import type { Logger } from "pino";
import { readLocalInputs, type OnboardOptions } from "../core/desired.js";
import { defaultOutDir } from "../core/local-state.js";
import type { DesiredState } from "../core/types.js";
import { isGuid } from "../shared/text.js";
import type { CliContext } from "./context.js";
import { recordedCloud, type RecordedCloud } from "./endpoint.js";
import type { appOptions, ArgsOf, certificateOptions, connectionOptions, pruneOptions } from "./options.js";
import { logEvent } from "./render/progress.js";

export type AppArgs = ArgsOf<typeof appOptions> & Partial<ArgsOf<typeof certificateOptions>> & Partial<ArgsOf<typeof pruneOptions>> & Pick<ArgsOf<typeof connectionOptions>, "tenant">;

/** What a command knows before sign-in: the desired state, and the cloud --out's connection.json records. */
export interface LocalArgs {
  desired: DesiredState;
  recorded: RecordedCloud | undefined;
}

/**
 * Checks every local input and reads the profile and certificate files (the desired state) and
 * --out's record. Without --out, a --tenant given by id names the run's directory already
 * (./entra-onboard-out/<tenant id>), so it is checked and its record read here too; a domain is
 * resolved to the id only by sign-in.
 */
export async function localInputsFromArgs(args: AppArgs): Promise<LocalArgs> {
  const outDir = args.out ?? (args.tenant !== undefined && isGuid(args.tenant) ? defaultOutDir(args.tenant.toLowerCase()) : undefined);
  const { desired, record } = await readLocalInputs(
    {
      name: args.name,
      profile: args.profile,
      // --no-certificate arrives as `certificate: false` (yargs' negation of the string option).
      certificate: typeof args.certificate === "string" ? args.certificate : undefined,
      noCertificate: (args.certificate as unknown) === false,
      expiryWarningDays: args.expiryWarningDays,
      addCertificate: args.addCertificate,
      keySize: args.keySize,
      validityDays: args.validityDays,
      adopt: args.adopt,
      allowPrivileged: args.allowPrivileged,
      appId: args.appId,
      rename: args.rename,
      prune: args.prune,
      outDir,
    },
    new Date(),
  );
  return { desired, recorded: recordedCloud(outDir, record) };
}

/**
 * The PFX passphrase, before sign-in so a missing one costs nothing: ENTRA_ONBOARD_PFX_PASSPHRASE,
 * else asked twice, hidden, on a terminal; never from argv.
 */
export async function pfxPassphrase(ctx: Pick<CliContext, "env" | "isInteractive" | "promptHidden">): Promise<string> {
  const { resolvePfxPassphrase } = await import("../cert/pfx-passphrase.js");
  return resolvePfxPassphrase({ env: ctx.env, isInteractive: ctx.isInteractive, promptHidden: ctx.promptHidden });
}

/** The run options for the library: the desired state already built, where to keep files, progress. */
export function runOptions(args: AppArgs, desired: DesiredState, logger: Logger): OnboardOptions {
  return { desired, outDir: args.out, tenant: args.tenant, onEvent: (event) => logEvent(event, logger) };
}
