/**
 * Narrowing Graph JSON into the observed model. Graph objects are untrusted input: every field is
 * checked, and a missing required one is reported as a bad API response, not a TypeError.
 */
import type * as MicrosoftGraph from "@microsoft/microsoft-graph-types";
import type { AppRoleAssignment, ObservedApp, ObservedKeyCredential, ObservedState, ResourceServicePrincipal, RoleAssignment, RoleDefinition } from "./types.js";
import { UnexpectedResponseError } from "../shared/errors.js";

export interface Page {
  value?: unknown[];
  "@odata.nextLink"?: string;
}

/**
 * A Graph object as it arrived: any of the fields of its wire type T (from
 * @microsoft/microsoft-graph-types), each still unchecked. Field names are checked at compile time.
 */
type Wire<T> = { readonly [K in keyof T]?: unknown };
type Key<T> = keyof T & string;

function obj<T>(value: unknown, what: string): Wire<T> {
  if (typeof value !== "object" || value === null) throw new UnexpectedResponseError(`expected ${what} object`);
  return value as Wire<T>;
}

function str<T>(o: Wire<T>, key: Key<T>, what: string): string {
  const v = o[key];
  if (typeof v !== "string") throw new UnexpectedResponseError(`${what} has no ${key}`);
  return v;
}

const optStr = <T>(o: Wire<T>, key: Key<T>): string | undefined => {
  const v = o[key];
  return typeof v === "string" ? v : undefined;
};
const arr = <T>(o: Wire<T>, key: Key<T>): unknown[] => {
  const v = o[key];
  return Array.isArray(v) ? v : [];
};

export function parseOrganization(value: unknown): ObservedState["tenant"] {
  const o = obj<MicrosoftGraph.Organization>(value, "organization");
  const domains = arr(o, "verifiedDomains").map((d) => obj<MicrosoftGraph.VerifiedDomain>(d, "verifiedDomain"));
  const initial = domains.find((d) => d.isInitial === true) ?? domains.find((d) => /\.onmicrosoft\.com$/i.test(String(d.name)));
  return {
    id: str(o, "id", "organization"),
    displayName: optStr(o, "displayName") ?? "",
    initialDomain: initial ? String(initial.name) : "",
    domains: domains.map((d) => String(d.name)),
  };
}

function parseKeyCredential(value: unknown): ObservedKeyCredential {
  const o = obj<MicrosoftGraph.KeyCredential>(value, "keyCredential");
  const custom = optStr(o, "customKeyIdentifier");
  return {
    keyId: str(o, "keyId", "keyCredential"),
    thumbprint: custom ? thumbprintFromCustomKeyIdentifier(custom) : undefined,
    displayName: optStr(o, "displayName"),
    type: optStr(o, "type") ?? "",
    usage: optStr(o, "usage") ?? "",
    startDateTime: optStr(o, "startDateTime"),
    endDateTime: optStr(o, "endDateTime"),
    raw: { ...o },
  };
}

/**
 * customKeyIdentifier is documented as Binary ("keyCredential resource type") but Graph returns the
 * 40-char hex thumbprint, which terraform-provider-azuread also matches on. Accept both: hex as
 * is, or base64 of the 20 thumbprint bytes.
 */
export function thumbprintFromCustomKeyIdentifier(value: string): string | undefined {
  if (/^[0-9a-f]{40}$/i.test(value)) return value.toUpperCase();
  const bytes = Buffer.from(value, "base64");
  if (bytes.length === 20) return bytes.toString("hex").toUpperCase();
  const text = bytes.toString("utf8");
  return /^[0-9a-f]{40}$/i.test(text) ? text.toUpperCase() : undefined;
}

export function parseApplication(value: unknown): ObservedApp {
  const o = obj<MicrosoftGraph.Application>(value, "application");
  return {
    id: str(o, "id", "application"),
    appId: str(o, "appId", "application"),
    displayName: optStr(o, "displayName") ?? "",
    uniqueName: optStr(o, "uniqueName") ?? null,
    tags: arr(o, "tags").filter((t): t is string => typeof t === "string"),
    signInAudience: optStr(o, "signInAudience"),
    requiredResourceAccess: arr(o, "requiredResourceAccess").map((r) => {
      const entry = obj<MicrosoftGraph.RequiredResourceAccess>(r, "requiredResourceAccess");
      return {
        resourceAppId: str(entry, "resourceAppId", "requiredResourceAccess"),
        resourceAccess: arr(entry, "resourceAccess").map((a) => {
          const access = obj<MicrosoftGraph.ResourceAccess>(a, "resourceAccess");
          return { id: str(access, "id", "resourceAccess"), type: optStr(access, "type") ?? "Role" };
        }),
      };
    }),
    keyCredentials: arr(o, "keyCredentials").map(parseKeyCredential),
  };
}

export function parseResourceSp(value: unknown): ResourceServicePrincipal {
  const o = obj<MicrosoftGraph.ServicePrincipal>(value, "servicePrincipal");
  return {
    id: str(o, "id", "servicePrincipal"),
    appId: str(o, "appId", "servicePrincipal"),
    displayName: optStr(o, "displayName") ?? "",
    appRoles: arr(o, "appRoles").map((r) => {
      const role = obj<MicrosoftGraph.AppRole>(r, "appRole");
      return {
        id: str(role, "id", "appRole"),
        value: optStr(role, "value") ?? "",
        allowedMemberTypes: arr(role, "allowedMemberTypes").map(String),
        isEnabled: role.isEnabled !== false,
      };
    }),
  };
}

export function parseRoleDefinition(value: unknown): RoleDefinition {
  const o = obj<MicrosoftGraph.UnifiedRoleDefinition>(value, "roleDefinition");
  const id = str(o, "id", "roleDefinition");
  return { id, displayName: optStr(o, "displayName") ?? "", templateId: optStr(o, "templateId") ?? id };
}

export function parseAppRoleAssignment(value: unknown): AppRoleAssignment {
  const o = obj<MicrosoftGraph.AppRoleAssignment>(value, "appRoleAssignment");
  return {
    id: str(o, "id", "appRoleAssignment"),
    resourceId: str(o, "resourceId", "appRoleAssignment"),
    appRoleId: str(o, "appRoleId", "appRoleAssignment"),
    resourceDisplayName: optStr(o, "resourceDisplayName"),
  };
}

export function parseRoleAssignment(value: unknown): RoleAssignment {
  const o = obj<MicrosoftGraph.UnifiedRoleAssignment>(value, "roleAssignment");
  return {
    id: str(o, "id", "roleAssignment"),
    roleDefinitionId: str(o, "roleDefinitionId", "roleAssignment"),
    directoryScopeId: optStr(o, "directoryScopeId") ?? "/",
  };
}
