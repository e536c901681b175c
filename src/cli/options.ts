/**
 * Option definitions shared by the commands. Plain data, so building --help loads nothing heavy.
 */
import type { Options } from "yargs";
import { AUTH_METHODS } from "../auth/sign-in.js";

export const connectionOptions = {
  tenant: { type: "string", describe: "Tenant to sign in to (id or domain, e.g. contoso.onmicrosoft.com); the run stops if the token is for another tenant" },
  auth: { choices: AUTH_METHODS, describe: "Sign-in method (default: browser, or device-code on a headless/SSH session). access-token reads ENTRA_ONBOARD_ACCESS_TOKEN" },
  "client-id": { type: "string", describe: "Public client app id to sign in with (default: Microsoft Graph Command Line Tools 14d82eec-204b-4c2f-b7e8-296a70dab67e)" },
  "graph-url": { type: "string", describe: "Microsoft Graph root, /v1.0 is appended (env ENTRA_ONBOARD_GRAPH_URL; default https://graph.microsoft.com)" },
  "token-cache": { type: "boolean", default: true, describe: "Keep a browser/device-code sign-in between runs (in ENTRA_ONBOARD_CACHE_DIR or the per-user cache directory; `entra-onboard logout` clears it). --no-token-cache neither reads nor writes it" },
} as const satisfies Record<string, Options>;

export const sandboxOptions = {
  sandbox: { type: "boolean", default: false, describe: "Run against a simulated tenant started in-process (local sandbox): try everything without a real tenant" },
  "sandbox-url": { type: "string", describe: "Use a sandbox started with `entra-onboard sandbox` (its https URL)" },
  "sandbox-ca": { type: "string", describe: "The sandbox's CA certificate file (printed by `entra-onboard sandbox`)" },
  "sandbox-no-pra": { type: "boolean", default: false, hidden: true, describe: "In-process sandbox: the simulated admin lacks Privileged Role Administrator" },
} as const satisfies Record<string, Options>;

export const outputOptions = {
  json: { type: "boolean", default: false, describe: "Print one JSON object on stdout instead of text" },
  verbose: { type: "boolean", default: false, describe: "Debug logs, and error details/stack traces" },
  "log-format": { choices: ["json", "pretty"] as const, describe: "Log format on stderr (default: pretty on a terminal, json otherwise)" },
} as const satisfies Record<string, Options>;

export const appOptions = {
  name: { type: "string", default: "Xops-App", describe: "Display name of the app registration" },
  profile: { type: "string", default: "xops", describe: "xops (Exchange.ManageAsApp + AccessReview.Read.All), m365 (Exchange.ManageAsApp), entra-id (AccessReview.Read.All) — all with Global Reader — or a YAML/JSON profile file" },
  "app-id": { type: "string", describe: "Manage this app registration (appId) when several share the name" },
  adopt: { type: "boolean", default: false, describe: "Take over a same-name app this tool did not create (marks it with a tag)" },
  out: { type: "string", describe: "Directory for the certificate, private key and connection.json (default ./entra-onboard-out/<tenant id>)" },
} as const satisfies Record<string, Options>;

export const certificateOptions = {
  certificate: { type: "string", describe: "Attach this public certificate (.cer/.crt/.pem, DER or PEM) instead of generating one; no private key is written" },
  "add-certificate": { type: "boolean", default: false, describe: "Add a newly generated certificate even though the app has certificates whose keys this tool does not hold (existing ones are kept)" },
  "key-size": { choices: [2048, 3072, 4096] as const, default: 2048, describe: "RSA key size of a generated certificate" },
  "validity-days": { type: "number", default: 365, describe: "Validity of a generated certificate in days (1-365; Graph caps credentials at about a year)" },
} as const satisfies Record<string, Options>;

export const EXIT_CODES_TEXT = `Exit codes:
  0  success / in sync
  1  operation failed (Graph error, preflight refusal, foreign or ambiguous app)
  2  invalid input or usage (nothing was written to the tenant)
  3  pending changes (status, plan --detailed-exitcode)`;
