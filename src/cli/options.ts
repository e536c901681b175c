/**
 * Option definitions shared by the commands, and the type helper that derives each command's
 * argument type from its definitions. Plain data, so building --help loads nothing heavy.
 */
import type { CommandModule, InferredOptionTypes, Options } from "yargs";
import { AUTH_METHODS } from "../auth/sign-in.js";
import { CLOUD_NAMES } from "../core/clouds.js";

type OptionSet = Record<string, Options>;

/** "detailed-exitcode" → "detailedExitcode", as yargs names the parsed value. */
type Camel<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : S;

/** The parsed arguments of a command, derived from its option definitions (camelCase keys only). */
export type ArgsOf<O extends OptionSet> = { [K in keyof O & string as Camel<K>]: InferredOptionTypes<O>[K] };

/** A yargs command whose builder declares exactly the options `O`. */
export type CommandOf<O extends OptionSet> = CommandModule<object, InferredOptionTypes<O>>;

export const connectionOptions = {
  tenant: { type: "string", describe: "Tenant to sign in to (id or domain, e.g. contoso.onmicrosoft.com); the run stops if the token is for another tenant" },
  auth: { choices: AUTH_METHODS, describe: "Sign-in method (default: browser, or device-code on a headless/SSH session). access-token reads ENTRA_ONBOARD_ACCESS_TOKEN" },
  "client-id": { type: "string", describe: "Public client app id to sign in with (default: Microsoft Graph Command Line Tools 14d82eec-204b-4c2f-b7e8-296a70dab67e)" },
  cloud: { choices: CLOUD_NAMES, describe: "The tenant's Microsoft cloud: global (incl. GCC), usgov (GCC High), usgovdod (DoD) or china (21Vianet); picks the sign-in authority, Graph and Exchange Online endpoints (env ENTRA_ONBOARD_CLOUD; default: the cloud --out's connection.json records, else global)" },
  "graph-url": { type: "string", describe: "Microsoft Graph root, /v1.0 is appended (env ENTRA_ONBOARD_GRAPH_URL; default: the --cloud's, https://graph.microsoft.com). https, or http on loopback only; another cloud's Graph host conflicts with --cloud" },
  "allow-graph-host": { type: "string", describe: "Send the admin's token to this Graph host although it is not a Microsoft cloud or loopback (exact host name, e.g. a proxy of your own; https only)" },
  "token-cache": { type: "boolean", default: true, describe: "Keep a browser/device-code sign-in between runs (in ENTRA_ONBOARD_CACHE_DIR or the per-user cache directory; `entra-onboard logout` clears it). --no-token-cache neither reads nor writes it" },
} as const satisfies OptionSet;

export const sandboxOptions = {
  sandbox: { type: "boolean", default: false, describe: "Run against a simulated tenant started in-process (local sandbox): try everything without a real tenant" },
  "sandbox-url": { type: "string", describe: "Use a sandbox started with `entra-onboard sandbox` (its https URL on 127.0.0.1, ::1 or localhost)" },
  "sandbox-ca": { type: "string", describe: "The sandbox's CA certificate file (printed by `entra-onboard sandbox`)" },
  "sandbox-no-pra": { type: "boolean", default: false, hidden: true, describe: "In-process sandbox: the simulated admin lacks Privileged Role Administrator" },
} as const satisfies OptionSet;

export const outputOptions = {
  json: { type: "boolean", default: false, describe: "Print one JSON document on stdout instead of text (its \"schema\" field names the command and version)" },
  verbose: { type: "boolean", default: false, describe: "Debug logs, and error details/stack traces" },
  "log-format": { choices: ["json", "pretty"] as const, describe: "Log format on stderr (default: pretty on a terminal, json otherwise)" },
} as const satisfies OptionSet;

export const appOptions = {
  name: { type: "string", default: "Xops-App", describe: "Display name of the app registration" },
  profile: { type: "string", default: "xops", describe: "xops (Exchange.ManageAsApp + AccessReview.Read.All), m365 (Exchange.ManageAsApp), entra-id (AccessReview.Read.All) — all with Global Reader — or a YAML/JSON profile file" },
  "app-id": { type: "string", describe: "Manage this app registration (appId) when several share the name" },
  adopt: { type: "boolean", default: false, describe: "Take over an app this tool cannot prove it created (same name, or owned by someone who could not grant its permissions); marks it with a tag" },
  "allow-privileged": { type: "boolean", default: false, describe: "Let a profile grant permissions or roles beyond read-only ones (e.g. *.ReadWrite.All, Global Administrator); the plan marks them as privileged" },
  rename: { type: "boolean", default: false, describe: "Rename the app found via connection.json or --app-id to --name when its display name differs (otherwise apply refuses)" },
  out: { type: "string", describe: "Directory for the certificate, private key and connection.json (default ./entra-onboard-out/<tenant id>)" },
} as const satisfies OptionSet;

/** The certificate a generated one would have: shared by apply, plan, status and rotate. */
export const generatedCertificateOptions = {
  "key-size": { choices: [2048, 3072, 4096] as const, default: 2048, describe: "RSA key size of a generated certificate" },
  "validity-days": {
    type: "number",
    default: 365,
    describe: "Validity of a generated certificate in days (1-1095; the credential on the app carries the certificate's own dates, and a tenant's app management policy may allow less)",
  },
} as const satisfies OptionSet;

export const certificateOptions = {
  certificate: {
    type: "string",
    describe:
      "Attach this public certificate (.cer/.crt/.pem, DER or PEM), e.g. the one the platform generated, instead of generating one; no private key is written. --no-certificate: everything but the certificate (attach it later with --certificate)",
  },
  "add-certificate": { type: "boolean", default: false, describe: "Add a newly generated certificate even though the app has certificates whose keys this tool does not hold (existing ones are kept)" },
  ...generatedCertificateOptions,
  "expiry-warning-days": { type: "number", default: 30, describe: "A certificate that expires within this many days is drift: renewed by apply when entra-onboard holds its key, reported otherwise" },
} as const satisfies OptionSet;

export const pfxOption = {
  pfx: {
    type: "boolean",
    default: false,
    describe: "Also write certificate.pfx (PKCS#12: certificate and key, AES-256 + HMAC-SHA256, mode 0600) next to the key; passphrase from ENTRA_ONBOARD_PFX_PASSPHRASE or a hidden prompt",
  },
} as const satisfies OptionSet;

export const pruneOptions = {
  prune: {
    type: "boolean",
    default: false,
    describe: "Remove from the tool's own app the permissions (grants and listed ones) and directory roles the profile does not ask for; on an adopted app only those entra-onboard added. Without it they are only reported",
  },
} as const satisfies OptionSet;

/** What every command that plans against a tenant accepts. */
export const tenantCommandOptions = { ...connectionOptions, ...appOptions, ...sandboxOptions, ...outputOptions } as const satisfies OptionSet;

export const waitSecondsOption = (describe: string) => ({ type: "number", default: 180, describe }) as const satisfies Options;

export const EXIT_CODES_TEXT = `Exit codes:
  0  success / in sync
  1  operation failed (Graph error, preflight refusal during apply/remove, foreign or ambiguous app)
  2  invalid input or usage (nothing was written to the tenant)
  3  pending changes (status, plan --detailed-exitcode), including a certificate that expires within --expiry-warning-days
  4  the signed-in admin cannot apply this plan: preflight would refuse (plan, remove --dry-run)`;
