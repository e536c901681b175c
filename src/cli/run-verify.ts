/**
 * `verify` and `apply --verify`: sign in as the onboarded app with the certificate and key kept in
 * --out, and report each check. Needs the private key, which only a generated certificate has.
 */
import { readFile, readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "pino";
import { appSignInFactory } from "../auth/app-sign-in.js";
import { readHeldCertificate, readPrivateKeyPem } from "../cert/files.js";
import { CONNECTION_FILE, type ConnectionFile } from "../core/local-state.js";
import { resolveProfile } from "../core/profiles.js";
import { verifyApp, type VerifyReport } from "../core/verify.js";
import { PUBLIC_AUTHORITY } from "../core/well-known.js";
import { realClock } from "../shared/clock.js";
import { AppError, ExitCode, InputError } from "../shared/errors.js";
import type { CliContext } from "./context.js";
import type { Endpoint } from "./runtime.js";

export interface VerifyArgs {
  profile: string;
  json: boolean;
  out?: string | undefined;
  tenant?: string | undefined;
  waitSeconds?: number | undefined;
}

export async function verifyConnection(connection: ConnectionFile, args: VerifyArgs, ctx: CliContext, logger: Logger, endpoint: Endpoint): Promise<number> {
  if (!connection.certificate?.keyPath) {
    throw new InputError("verify signs in as the app and needs its private key, which entra-onboard only has for certificates it generated. With --certificate the platform holds the key: verify from the platform instead.");
  }
  // The same reader apply uses: the certificate and key in --out, and only if they belong together.
  const dir = dirname(connection.certificate.keyPath);
  const held = await readHeldCertificate(dir);
  const privateKeyPem = held ? await readPrivateKeyPem(dir) : undefined;
  if (!held || !privateKeyPem) {
    throw new InputError(`No matching certificate and private key in ${dir}; verify needs both (run apply again to restore them).`);
  }
  const clock = realClock();
  const signIn = await appSignInFactory({
    tenantId: connection.tenantId,
    appId: connection.appId,
    certificatePem: held.pem,
    privateKeyPem,
    authorityHost: endpoint.authorityHost ?? PUBLIC_AUTHORITY,
    ca: endpoint.ca,
    graphUrl: endpoint.graphUrl,
    clock,
  });
  logger.info(`verifying: signing in as app ${connection.appId} with certificate ${held.thumbprint}`);
  const report = await verifyApp({
    signIn,
    profile: await resolveProfile(args.profile),
    clock,
    maxWaitMs: (args.waitSeconds ?? 180) * 1000,
    onAttempt: (attempt, failing) => logger.info(`verify attempt ${attempt}: ${failing.length} check(s) not passing yet (propagation can take minutes); retrying`),
  });
  ctx.stdout(args.json ? `${JSON.stringify({ formatVersion: 1, simulated: endpoint.simulated, ...report })}\n` : renderReport(report));
  return report.ok ? ExitCode.Success : ExitCode.Failed;
}

function renderReport(report: VerifyReport): string {
  const lines = report.checks.map((c) => `  ${c.ok ? "pass" : "FAIL"}  ${c.name}: ${c.detail}${!c.ok && c.mayPassLater ? " (may be propagation delay: retry in a few minutes)" : ""}`);
  return `Verify (signed in as the app, ${report.attempts} attempt(s)):\n${lines.join("\n")}\n${report.ok ? "All checks passed." : "Some checks failed."}\n`;
}

/** The connection.json to verify: --out, else ./entra-onboard-out/<--tenant>, else the only one there. */
export async function findConnection(args: VerifyArgs): Promise<ConnectionFile> {
  let dir = args.out;
  if (!dir && args.tenant) dir = resolve("entra-onboard-out", args.tenant);
  if (!dir) {
    const root = resolve("entra-onboard-out");
    const entries = await readdir(root).catch(() => []);
    if (entries.length !== 1) throw new InputError(`Pass --out <dir> (or --tenant <id>) to say which onboarding to verify; found ${entries.length} in ${root}.`);
    dir = join(root, entries[0] ?? "");
  }
  try {
    return JSON.parse(await readFile(join(dir, CONNECTION_FILE), "utf8")) as ConnectionFile;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new InputError(`No ${CONNECTION_FILE} in ${dir}: run \`entra-onboard apply\` first (or pass the --out it used).`);
  }
}
