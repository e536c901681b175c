/**
 * Profiles: what the app must be allowed to do. Built-ins mirror the vendor's two documented
 * procedures (Microsoft 365 and Entra ID) and their union. A profile file may name other
 * first-party permissions and roles; names are resolved against the tenant at plan time.
 */
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError, InternalError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import { didYouMean } from "../shared/text.js";
import { CLOUDS } from "./clouds.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, KNOWN_RESOURCES } from "./well-known.js";

export interface PermissionSpec {
  /** The resource's display name, e.g. "Microsoft Graph". */
  resourceName: string;
  resourceAppId: string;
  /** The app role's value, e.g. "AccessReview.Read.All". */
  value: string;
}

export interface Profile {
  name: string;
  permissions: PermissionSpec[];
  /** Directory roles by display name, e.g. "Global Reader". */
  roles: string[];
}

const EXCHANGE_MANAGE = "Office 365 Exchange Online / Exchange.ManageAsApp";
const ACCESS_REVIEW = "Microsoft Graph / AccessReview.Read.All";

const BUILT_IN: Readonly<Record<string, { permissions: string[]; roles: string[] }>> = {
  xops: { permissions: [EXCHANGE_MANAGE, ACCESS_REVIEW], roles: ["Global Reader"] },
  m365: { permissions: [EXCHANGE_MANAGE], roles: ["Global Reader"] },
  "entra-id": { permissions: [ACCESS_REVIEW], roles: ["Global Reader"] },
};

export const BUILT_IN_PROFILE_NAMES = Object.keys(BUILT_IN);

/** "Microsoft Graph / AccessReview.Read.All" → a PermissionSpec, or a problem description. */
export function parsePermission(text: string): PermissionSpec | string {
  const parts = text.split("/").map((p) => p.trim());
  // Resource names may be URLs containing "/", so the value is everything after the last " / ".
  const separator = text.lastIndexOf(" / ");
  const resourcePart = separator >= 0 ? text.slice(0, separator).trim() : (parts.length === 2 ? parts[0] : undefined);
  const value = separator >= 0 ? text.slice(separator + 3).trim() : (parts.length === 2 ? parts[1] : undefined);
  if (!resourcePart || !value) {
    return `permission '${text}' must look like 'Microsoft Graph / AccessReview.Read.All'`;
  }
  const resource = findResource(resourcePart);
  if (!resource) {
    return `unknown API '${resourcePart}' in permission '${text}'.${didYouMean(resourcePart, KNOWN_RESOURCES.map((r) => r.name))}`;
  }
  return { resourceName: resource.name, resourceAppId: resource.appId, value };
}

function findResource(nameOrAppId: string): (typeof KNOWN_RESOURCES)[number] | undefined {
  const wanted = nameOrAppId.toLowerCase().replace(/\/+$/, "");
  return KNOWN_RESOURCES.find(
    (r) => r.name.toLowerCase() === wanted || r.appId === wanted || r.aliases.includes(wanted) || cloudIdentifiers(r.appId).includes(wanted),
  );
}

/** Graph and Exchange Online are also named by their identifier in any cloud (https://graph.microsoft.us). */
function cloudIdentifiers(appId: string): string[] {
  const clouds = Object.values(CLOUDS);
  if (appId === GRAPH_APP_ID) return clouds.map((c) => c.graph);
  if (appId === EXCHANGE_APP_ID) return clouds.map((c) => c.exchange);
  return [];
}

function build(name: string, permissions: readonly string[], roles: readonly string[]): Profile | string[] {
  const problems: string[] = [];
  const specs: PermissionSpec[] = [];
  for (const text of permissions) {
    const parsed = parsePermission(text);
    if (typeof parsed === "string") problems.push(parsed);
    else if (!specs.some((s) => s.resourceAppId === parsed.resourceAppId && s.value === parsed.value)) specs.push(parsed);
  }
  if (specs.length === 0 && roles.length === 0 && problems.length === 0) {
    problems.push("the profile asks for no permissions and no roles");
  }
  return problems.length > 0 ? problems : { name, permissions: specs, roles: [...new Set(roles)] };
}

export function builtInProfile(name: string): Profile {
  const entry = BUILT_IN[name];
  if (!entry) {
    throw new InputError(
      `Unknown profile '${name}'. Use one of ${BUILT_IN_PROFILE_NAMES.join(", ")}, or --profile <file.yaml|file.json>.${didYouMean(name, BUILT_IN_PROFILE_NAMES)}`,
    );
  }
  const profile = build(name, entry.permissions, entry.roles);
  if (Array.isArray(profile)) throw new InternalError(`built-in profile ${name} is invalid: ${profile.join("; ")}`);
  return profile;
}

/** A profile argument is a built-in name unless it looks like a path. */
export function isProfilePath(value: string): boolean {
  return /[\\/]|\.(ya?ml|json)$/i.test(value);
}

/** Reads and validates a YAML or JSON profile file, reporting every problem at once. */
export async function loadProfileFile(path: string): Promise<Profile> {
  // Bounded, and regular files only: an 88 MB "profile" or a device must not stall the run.
  const read = await readBoundedFile(path, READ_CAPS.profile);
  if (!read.ok) throw new InputError(`Cannot read profile file ${path}: ${read.reason}. Check the path.`);
  const text = read.bytes.toString("utf8");
  let raw: unknown;
  try {
    if (/\.json$/i.test(path)) raw = JSON.parse(text);
    else raw = (await import("yaml")).parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InputError(`Profile file ${path} is not valid ${/\.json$/i.test(path) ? "JSON" : "YAML"}: ${reason}`);
  }
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new InputError(`Profile file ${path} must be a mapping with 'permissions' and/or 'roles' lists.`);
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!["name", "permissions", "roles"].includes(key)) problems.push(`unknown key '${key}' (allowed: name, permissions, roles)`);
  }
  const list = (key: string): string[] => {
    const value = record[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v.trim() === "")) {
      problems.push(`'${key}' must be a list of non-empty strings`);
      return [];
    }
    // Entries are printed in plans: a control character could forge a line there.
    const unsafe = value.map((v: string) => unsafeCharacter(v)).find(Boolean);
    if (unsafe) {
      problems.push(`'${key}' has an entry with a control character (${unsafe})`);
      return [];
    }
    return value.map((v: string) => v.trim());
  };
  const permissions = list("permissions");
  const roles = list("roles");
  if (typeof record.name === "string" && unsafeCharacter(record.name)) problems.push(`'name' has a control character (${unsafeCharacter(record.name)})`);
  const name = typeof record.name === "string" && !unsafeCharacter(record.name) ? record.name : path;
  const profile = build(name, permissions, roles);
  if (Array.isArray(profile)) problems.push(...profile);
  if (problems.length > 0 || Array.isArray(profile)) {
    throw new InputError(`Profile file ${path} is invalid: ${problems.join("; ")}.`);
  }
  return profile;
}

export async function resolveProfile(value: string): Promise<Profile> {
  return isProfilePath(value) ? loadProfileFile(value) : builtInProfile(value);
}
