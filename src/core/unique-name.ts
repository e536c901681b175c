/**
 * The app's uniqueName: Graph's client-provided alternate key ("Upsert application", Graph v1.0
 * reference), which the tool upserts by so re-runs and concurrent runs find one app. Different
 * display names must never share one: "Xops App" and "Xops-App" slug alike, and every all-non-Latin
 * name slugs to "app", so the key is a readable slug plus a short SHA-256 of the exact name (NFC, so
 * one name typed two ways is still one name). The "application resource type" page documents
 * uniqueName as immutable but not its characters or length: stay with [a-z0-9-], at most 64.
 */
import { createHash } from "node:crypto";
import { slug } from "../shared/text.js";

/** Every uniqueName entra-onboard gives an app starts with this (older versions' too). */
export const UNIQUE_NAME_PREFIX = "entra-onboard-";

export function uniqueNameFor(displayName: string): string {
  const exact = displayName.normalize("NFC");
  const hash = createHash("sha256").update(exact, "utf8").digest("hex").slice(0, 8);
  // 14 + at most 40 + 1 + 8 = 63 characters.
  return `${UNIQUE_NAME_PREFIX}${slug(exact)}-${hash}`;
}

/**
 * The key earlier versions of entra-onboard derived (the slug alone). An app carrying it is recognised only when
 * connection.json in --out records its appId: the key alone collides across names.
 */
export function legacyUniqueNameFor(displayName: string): string {
  return `${UNIQUE_NAME_PREFIX}${slug(displayName)}`;
}

/** True for a uniqueName entra-onboard made (this version or an earlier one). */
export function isToolUniqueName(uniqueName: string | null): boolean {
  return uniqueName !== null && uniqueName.toLowerCase().startsWith(UNIQUE_NAME_PREFIX);
}
