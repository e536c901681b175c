/**
 * The tenant-wide app management policy (Graph API reference: "tenantAppManagementPolicy resource
 * type", "Get tenantAppManagementPolicy", "keyCredentialConfiguration resource type"). Only the
 * certificate lifetime restriction (`asymmetricKeyLifetime` on application keyCredentials) is
 * enforced; password and service principal restrictions are served empty.
 */
import { FakeHttpError } from "./http.js";
import type { AppManagementPolicySeed } from "./types.js";

/** The id the Graph API reference example shows for the default tenant policy. */
export const DEFAULT_APP_MANAGEMENT_POLICY_ID = "00000000-0000-0000-0000-000000000000";

export interface KeyLifetimeRestriction {
  restrictionType: "asymmetricKeyLifetime";
  maxLifetime: string;
  restrictForAppsCreatedAfterDateTime: string | null;
  state: "enabled" | "disabled";
}

export interface AppManagementPolicy {
  id: string;
  isEnabled: boolean;
  keyCredentials: KeyLifetimeRestriction[];
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration made of weeks, days and time parts ("P365D", "P4DT12H30M5S").
 * Years and months have no fixed length, so they are refused rather than guessed.
 */
export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (m === null || text === "P" || text.endsWith("T")) throw new RangeError(`Unsupported ISO 8601 duration "${text}": use weeks, days, hours, minutes, seconds (e.g. "P365D")`);
  const [, w, d, h, min, s] = m;
  const days = Number(w ?? 0) * 7 + Number(d ?? 0);
  return ((days * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

/** A validated policy from its seed; throws RangeError for a seed Graph would not store. */
export function appManagementPolicy(seed: AppManagementPolicySeed | undefined): AppManagementPolicy {
  const keyCredentials = (seed?.keyCredentials ?? []).map((r): KeyLifetimeRestriction => {
    durationMs(r.maxLifetime);
    const after = r.restrictForAppsCreatedAfterDateTime ?? null;
    if (after !== null && Number.isNaN(Date.parse(after))) throw new RangeError(`restrictForAppsCreatedAfterDateTime is not a date: ${after}`);
    return { restrictionType: r.restrictionType, maxLifetime: r.maxLifetime, restrictForAppsCreatedAfterDateTime: after, state: r.state ?? "enabled" };
  });
  if (new Set(keyCredentials.map((r) => r.restrictionType)).size < keyCredentials.length) {
    throw new RangeError("Each restrictionType can be used only once per policy");
  }
  return { id: seed?.id ?? DEFAULT_APP_MANAGEMENT_POLICY_ID, isEnabled: seed?.isEnabled ?? false, keyCredentials };
}

/** The policy as `GET /policies/defaultAppManagementPolicy` serves it. */
export function appManagementPolicyJson(policy: AppManagementPolicy): Record<string, unknown> {
  return {
    id: policy.id,
    displayName: "Default app management tenant policy",
    description:
      "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
    isEnabled: policy.isEnabled,
    applicationRestrictions: { passwordCredentials: [], keyCredentials: structuredClone(policy.keyCredentials) },
    servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
  };
}

/**
 * Graph's refusal of a credential longer than the policy allows. Code, message and details as
 * observed from Graph in public reports (GitHub: OfficeDev/microsoft-365-agents-toolkit#10998,
 * microsoft/PubSec-Info-Assistant#681, Azure/azure-cli#28522); those were password credentials —
 * that certificates get the same answer is [unverified].
 */
export function lifetimeExceeded(policyId: string): FakeHttpError {
  const message = `Credential lifetime exceeds the max value allowed as per assigned policy '${policyId}'.`;
  return new FakeHttpError(400, "CredentialInvalidLifetimeAsPerAppPolicy", message, { details: [{ code: "InvalidKeyEndDate", message, target: "EndDate" }] });
}

/** Throws Graph's 400 when a NEW certificate credential on an app created at `appCreatedMs` is too long. */
export function checkCertificateLifetime(policy: AppManagementPolicy, appCreatedMs: number, startMs: number, endMs: number): void {
  if (!policy.isEnabled) return;
  for (const restriction of policy.keyCredentials) {
    if (restriction.state !== "enabled" || restriction.restrictionType !== "asymmetricKeyLifetime") continue;
    const after = restriction.restrictForAppsCreatedAfterDateTime;
    if (after !== null && appCreatedMs < Date.parse(after)) continue;
    if (endMs - startMs > durationMs(restriction.maxLifetime)) throw lifetimeExceeded(policy.id);
  }
}
