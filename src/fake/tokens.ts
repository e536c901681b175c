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

export { decodeJwtClaims, decodeTokenClaims } from "../shared/jwt.js";
