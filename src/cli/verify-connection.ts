/**
 * The shared part of `verify` and `apply --verify`: find the onboarding's connection.json, and
 * sign in as the app with the certificate and key kept in --out to run the checks. Needs the
 * private key, which only a generated certificate has.
 */
import { readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Logger } from "pino";
import { appSignInFactory } from "../auth/app-sign-in.js";
import { readHeldCertificate, readPrivateKeyPem } from "../cert/files.js";
import { CONNECTION_FILE, readConnectionRecord, type ConnectionFile } from "../core/record.js";
import type { Profile } from "../core/profiles.js";
import { verifyApp, type VerifyReport } from "../core/verify.js";
import { cloudOf } from "../core/clouds.js";
import { realClock } from "../shared/clock.js";
import { InputError } from "../shared/errors.js";
import type { Endpoint, RecordedCloud } from "./endpoint.js";

/** What verify needs of connection.json. */
export type VerifyTarget = Pick<ConnectionFile, "tenantId" | "appId" | "certificate">;

export async function verifyConnection(connection: VerifyTarget, profile: Profile, endpoint: Endpoint, logger: Logger, waitSeconds: number): Promise<VerifyReport> {
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
  const cloud = endpoint.cloud;
  const signIn = await appSignInFactory({
    tenantId: connection.tenantId,
    appId: connection.appId,
    certificatePem: held.pem,
    privateKeyPem,
    authorityHost: endpoint.authorityHost ?? cloudOf(cloud).authority,
    ca: endpoint.ca,
    graphUrl: endpoint.graphUrl,
    graphResource: cloudOf(cloud).graph,
    clock,
  });
  logger.info(`verifying: signing in as app ${connection.appId} with certificate ${held.thumbprint}`);
  return verifyApp({
    signIn,
    profile,
    cloud,
    clock,
    maxWaitMs: waitSeconds * 1000,
    onAttempt: (attempt, failing) => logger.info(`verify attempt ${attempt}: ${failing.length} check(s) not passing yet (propagation can take minutes); retrying`),
  });
}

/** A connection to verify, and the cloud its connection.json records (where verify signs in without --cloud). */
export type FoundConnection = VerifyTarget & { recorded: RecordedCloud };

/** The connection.json to verify: --out, else ./entra-onboard-out/<--tenant>, else the only one there. */
export async function findConnection(args: { out?: string | undefined; tenant?: string | undefined }): Promise<FoundConnection> {
  let dir = args.out;
  if (!dir && args.tenant) dir = resolve("entra-onboard-out", args.tenant);
  if (!dir) {
    const root = resolve("entra-onboard-out");
    const entries = await readdir(root).catch(() => []);
    if (entries.length !== 1) throw new InputError(`Pass --out <dir> (or --tenant <id>) to say which onboarding to verify; found ${entries.length} in ${root}.`);
    dir = join(root, entries[0] ?? "");
  }
  // A connection.json that is not what apply wrote (wrong types, ids that are not GUIDs) is refused (exit 2).
  const record = await readConnectionRecord(dir);
  if (record?.appId === undefined) {
    const why = record ? "the apply that wrote it did not finish" : `there is no ${CONNECTION_FILE} in ${dir}`;
    throw new InputError(`Nothing to verify: ${why}. Run \`entra-onboard apply\` first (or pass the --out it used).`);
  }
  return { tenantId: record.tenantId, appId: record.appId, certificate: record.certificate ?? null, recorded: { outDir: dir, cloud: record.cloud } };
}
