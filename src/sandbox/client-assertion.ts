/**
 * Checks a certificate client assertion the way Entra does ("Microsoft identity platform certificate
 * credentials"; "Microsoft Entra authentication and authorization error codes"): the app must exist in the
 * tenant, the JWT header thumbprint must name one of its Verify certificates valid now, the signature
 * must verify with that certificate, and iss/sub/aud/exp/nbf must fit. Failures are AADSTS errors.
 */
import { X509Certificate, createHash } from "node:crypto";
import { fail } from "./aadsts.js";
import type { DirectoryKeyCredential, DirectoryTenant } from "./directory.js";
import { decodeJwt, verifyJwtSignature } from "./jwt.js";

export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Clock difference tolerated on exp/nbf, like Entra's five minutes. */
const SKEW_S = 300;

export interface AssertionCheck {
  tenant: DirectoryTenant;
  clientId: string;
  assertionType: string | undefined;
  assertion: string | undefined;
  /** Token endpoint URLs accepted as `aud` (tenant id and domain forms). */
  audiences: readonly string[];
  nowMs: number;
}

interface LoadedKey {
  credential: DirectoryKeyCredential;
  cert: X509Certificate;
  sha1: string;
  sha256: string;
}

export function verifyClientAssertion(check: AssertionCheck): void {
  const { tenant, clientId, assertion } = check;
  if (!assertion) {
    fail(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  if (check.assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    fail(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'.");
  }
  const jwt = decodeJwt(assertion);
  if (!jwt) fail(401, "invalid_client", 50027, "JWT token is invalid or malformed.");

  const credentials = tenant.applicationKeyCredentials(clientId);
  if (!credentials) {
    fail(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant.displayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  }

  const p = jwt.payload;
  if (p["iss"] !== clientId) {
    fail(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .");
  }
  if (p["sub"] !== p["iss"]) fail(401, "invalid_client", 50048, "Subject mismatches Issuer claim in the client assertion.");
  const audiences = check.audiences.map(normaliseUrl);
  if (typeof p["aud"] !== "string" || !audiences.includes(normaliseUrl(p["aud"]))) {
    fail(401, "invalid_client", 700023, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .`);
  }
  const now = Math.floor(check.nowMs / 1000);
  const exp = p["exp"];
  const nbf = p["nbf"];
  if (typeof exp !== "number" || exp + SKEW_S < now || (typeof nbf === "number" && nbf - SKEW_S > now)) {
    fail(401, "invalid_client", 700024, `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${typeof nbf === "number" ? iso(nbf) : "-"}, expiry time of assertion ${typeof exp === "number" ? iso(exp) : "-"}. Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .`);
  }

  const x5t = typeof jwt.header["x5t"] === "string" ? stripPad(jwt.header["x5t"]) : undefined;
  const x5t256 = typeof jwt.header["x5t#S256"] === "string" ? stripPad(jwt.header["x5t#S256"]) : undefined;
  const clientThumbprint = x5t256 ?? x5t ?? "";
  const keys = credentials.flatMap(loadKey);
  const sameCert = keys.filter((k) => (x5t256 !== undefined && k.sha256 === x5t256) || (x5t !== undefined && k.sha1 === x5t));
  const usable = sameCert.filter((k) => isUsableNow(k.credential, check.nowMs));
  const reason =
    sameCert.length === 0
      ? "The key was not found."
      : usable.length === 0
        ? `The key used is expired or not yet valid. Found key 'Start=${sameCert[0]?.credential.startDateTime ?? "-"}, End=${sameCert[0]?.credential.endDateTime ?? "-"}'.`
        : undefined;
  if (reason !== undefined) {
    fail(401, "invalid_client", 700027, `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprintForMessage(clientThumbprint)}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`);
  }
  if (!usable.some((k) => verifyJwtSignature(jwt, k.cert.publicKey))) {
    fail(401, "invalid_client", 700027, `Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprintForMessage(clientThumbprint)}']`);
  }
}

function loadKey(credential: DirectoryKeyCredential): LoadedKey[] {
  try {
    const bytes = Buffer.from(credential.key, "base64");
    // Graph accepts `key` as base64 DER or as base64 of the PEM text; X509Certificate reads both.
    const cert = new X509Certificate(bytes);
    return [{ credential, cert, sha1: digest("sha1", cert.raw), sha256: digest("sha256", cert.raw) }];
  } catch {
    return [];
  }
}

function isUsableNow(c: DirectoryKeyCredential, nowMs: number): boolean {
  if (c.usage !== undefined && c.usage.toLowerCase() !== "verify") return false;
  if (c.type !== undefined && c.type !== "AsymmetricX509Cert") return false;
  const start = c.startDateTime ? Date.parse(c.startDateTime) : Number.NEGATIVE_INFINITY;
  const end = c.endDateTime ? Date.parse(c.endDateTime) : Number.POSITIVE_INFINITY;
  return start <= nowMs && nowMs <= end;
}

function digest(alg: "sha1" | "sha256", data: Buffer): string {
  return createHash(alg).update(data).digest("base64url");
}

function stripPad(v: string): string {
  return v.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
}

/** Entra prints the thumbprint the client used as upper-case hex. */
function thumbprintForMessage(b64url: string): string {
  return Buffer.from(b64url, "base64url").toString("hex").toUpperCase();
}

function normaliseUrl(u: string): string {
  return u.toLowerCase().replace(/\/+$/, "");
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
