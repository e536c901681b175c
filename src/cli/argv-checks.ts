/**
 * Checks on the command line that hold for every command and option, run before any command
 * starts (so before any file is read, any sign-in, any request):
 * - no empty value (`--tenant ""`, `--out=`): yargs would hand a string option "" and turn "" into
 *   0 for a number option, and an empty tenant or directory silently means "the default";
 * - no control characters in any argument (a newline and ANSI escapes in --name print a forged
 *   plan line; a path or tenant has no use for them);
 * - no option given twice: yargs turns a repeated option into an array, which no option here takes;
 * - the formats a few options must have before they reach a URL or a path (tenant, partner tenant,
 *   client id).
 */
import { unsafeCharacter } from "../shared/input-text.js";
import { isGuid } from "../shared/text.js";

/** A tenant id (GUID) or a DNS domain name such as contoso.onmicrosoft.com. */
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

const MAX_WAIT_SECONDS = 3600;

/** The raw arguments, before yargs: empty values and control characters, named by their option. */
export function rawArgumentProblem(argv: readonly string[]): string | undefined {
  for (const [i, token] of argv.entries()) {
    const inline = /^(--?[^=]+)=([\s\S]*)$/.exec(token);
    const option = inline ? inline[1] : argv[i - 1]?.startsWith("-") && !token.startsWith("-") ? argv[i - 1] : undefined;
    const value = inline ? (inline[2] ?? "") : token;
    const unsafeName = option !== undefined ? unsafeCharacter(option) : undefined;
    const what = option !== undefined && !unsafeName ? option : "an argument";
    const unsafe = unsafeName ?? unsafeCharacter(value);
    if (unsafe) return `${what} contains a control character (${unsafe}); use printable text.`;
    if (value.trim() === "") return option !== undefined ? `${what} was given an empty value; give a value or leave the option out.` : "An empty argument was given; remove it.";
  }
  return undefined;
}

/** The parsed arguments: options given more than once, and per-option formats. */
export function parsedArgumentProblem(args: Readonly<Record<string, unknown>>): string | undefined {
  for (const [key, value] of Object.entries(args)) {
    // yargs lists each option under its own name and a camelCase copy; report the name as typed.
    if (key === "_" || key === "$0" || /[A-Z]/.test(key) || !Array.isArray(value)) continue;
    const flag = key.length === 1 ? `-${key}` : `--${key}`;
    return `${flag} was given ${value.length === 2 ? "twice" : `${value.length} times`}; give it once.`;
  }
  for (const option of ["tenant", "partner-tenant"]) {
    const tenant = args[option];
    if (typeof tenant === "string" && !isGuid(tenant) && !DOMAIN.test(tenant)) {
      return `--${option} must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com, got '${tenant}'.`;
    }
  }
  const clientId = args["client-id"];
  if (typeof clientId === "string" && !isGuid(clientId)) return `--client-id must be an application (client) id GUID, got '${clientId}'.`;
  const wait = args["wait-seconds"];
  if (typeof wait === "number" && !(Number.isInteger(wait) && wait >= 0 && wait <= MAX_WAIT_SECONDS)) {
    return `--wait-seconds must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}, got ${wait}.`;
  }
  return undefined;
}
