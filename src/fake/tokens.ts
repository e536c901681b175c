/**
 * Unsigned JWTs for unit tests and the bench. The fake's default token check only decodes claims;
 * the sandbox swaps in a signature-checking verifier, so nothing here pretends to be secure.
 */
import type { TokenClaims } from "./types.js";

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** A JWT "header.payload." with `alg: none`. */
export function unsignedToken(claims: TokenClaims & Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}.`;
}

/** The payload of a compact JWT, or undefined when it is not one. No signature check. */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length < 2 || parts[1] === undefined || parts[1] === "") return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return undefined;
    return payload as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Default verifier for unit tests: claims are trusted as long as they carry a tenant id. */
export function decodeTokenClaims(token: string): TokenClaims | undefined {
  const claims = decodeJwtClaims(token);
  if (claims === undefined || typeof claims["tid"] !== "string") return undefined;
  const out: TokenClaims = { tid: claims["tid"] };
  if (typeof claims["scp"] === "string") out.scp = claims["scp"];
  if (Array.isArray(claims["roles"])) out.roles = claims["roles"].filter((r): r is string => typeof r === "string");
  if (Array.isArray(claims["wids"])) out.wids = claims["wids"].filter((r): r is string => typeof r === "string");
  if (typeof claims["oid"] === "string") out.oid = claims["oid"];
  if (typeof claims["appid"] === "string") out.appid = claims["appid"];
  if (typeof claims["aud"] === "string") out.aud = claims["aud"];
  if (typeof claims["exp"] === "number") out.exp = claims["exp"];
  return out;
}
