/**
 * What Graph's answers mean, as data. Each signature names one known answer shape so requests can
 * opt into "retry this" or "this means already done" by name, and so the knowledge of Graph's
 * wording lives in one table instead of in string checks across the code. Sources: "Microsoft Graph
 * error responses and resource types", the Graph v1.0 reference pages of each call ("Create
 * servicePrincipal", "Grant an appRoleAssignment for a service principal", "Create
 * unifiedRoleAssignment"), and the messages terraform-provider-azuread and go-azure-sdk (public
 * code) match on, for the answers the docs do not spell out.
 */
import type { ExistsSignatureName, LagSignatureName } from "./types.js";
import type { GraphErrorInfo } from "./errors.js";

export interface Signature<N extends string> {
  name: N;
  /** HTTP statuses this answer comes with. */
  statuses: readonly number[];
  /**
   * Optional narrowing. When none are given, the status alone matches. When some are given, any one
   * of them matching is enough: Graph is inconsistent about which of code, message or details carry
   * the meaning, so we accept whichever is present.
   */
  codes?: readonly string[];
  message?: RegExp;
  detailCodes?: readonly string[];
}

export type LagSignature = Signature<LagSignatureName>;
export type ExistsSignature = Signature<ExistsSignatureName>;

/** Throttling and transient answers ("Microsoft Graph throttling guidance", "Microsoft Graph error responses and resource types"): retried for every request. 500 is not. */
export const TRANSIENT_STATUSES: readonly number[] = [429, 503, 504];

/**
 * Answers Graph gives while a just-written object has not replicated yet ("Designing for eventual
 * consistency for Microsoft Entra", Microsoft identity developer blog).
 */
export const LAG_SIGNATURES: readonly LagSignature[] = [
  {
    name: "no-backing-application",
    statuses: [400],
    message: /does not reference a valid application object/i,
    detailCodes: ["NoBackingApplicationObject"],
  },
  {
    name: "backing-application-not-local",
    statuses: [403],
    // Graph's own wording, typo included ("must in the local tenant").
    message: /backing application of the service principal being created must (be )?in the local tenant/i,
  },
  { name: "not-a-valid-reference-update", statuses: [400], message: /Not a valid reference update/i },
  // Any 404: Request_ResourceNotFound usually, but the code varies by endpoint.
  { name: "not-found", statuses: [404] },
  // The same "does not exist" text on a 400, as some writes answer for a referenced object that
  // has not replicated yet (go-azure-sdk's odata/errors.go lists the message; terraform-provider-azuread
  // retries it on references).
  { name: "not-found", statuses: [400], message: /does not exist or one of its queried reference-property objects are not present/i },
  { name: "msa-app-does-not-exist", statuses: [409], codes: ["Error_MsaAppDoesNotExist"] },
  { name: "failed-dependency", statuses: [424] },
  { name: "request-timeout", statuses: [408] },
];

/**
 * Answers that mean "what you asked to create is already there": a second service principal for
 * the same appId, a repeated app role assignment, a repeated directory role assignment.
 */
export const EXISTS_SIGNATURES: readonly ExistsSignature[] = [
  {
    name: "duplicate-app-role-assignment",
    // 400 is what Graph sends; 409 tolerated because the EntitlementGrant variant carries a 409-style code.
    statuses: [400, 409],
    message: /Permission being assigned already exists on the object|EntitlementGrant entry already exists/i,
  },
  {
    name: "duplicate-role-assignment",
    statuses: [400],
    message: /A conflicting object with one or more of the specified property values is present in the directory/i,
  },
  {
    name: "duplicate-service-principal",
    statuses: [409],
    codes: ["Request_MultipleObjectsWithSameKeyValue"],
    message: /is already in use/i,
  },
];

export function matchesSignature<N extends string>(signature: Signature<N>, status: number, error: GraphErrorInfo): boolean {
  if (!signature.statuses.includes(status)) return false;
  const narrowed = signature.codes !== undefined || signature.message !== undefined || signature.detailCodes !== undefined;
  if (!narrowed) return true;
  if (signature.codes?.includes(error.code) === true) return true;
  if (signature.message !== undefined) {
    // Details sometimes carry the specific text while the top-level message is generic.
    const texts = [error.message, ...error.details.map((d) => d.message)];
    if (texts.some((text) => signature.message?.test(text) === true)) return true;
  }
  if (signature.detailCodes !== undefined && error.details.some((d) => signature.detailCodes?.includes(d.code) === true)) {
    return true;
  }
  return false;
}

export function findLagSignature(
  names: readonly LagSignatureName[],
  status: number,
  error: GraphErrorInfo,
): LagSignature | undefined {
  return LAG_SIGNATURES.find((s) => names.includes(s.name) && matchesSignature(s, status, error));
}

export function findExistsSignature(
  names: readonly ExistsSignatureName[],
  status: number,
  error: GraphErrorInfo,
): ExistsSignature | undefined {
  return EXISTS_SIGNATURES.find((s) => names.includes(s.name) && matchesSignature(s, status, error));
}
