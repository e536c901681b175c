/**
 * Reading (not verifying) JWT claims. The product reads its own access token to learn the tenant
 * (`tid`) and, for preflight, the delegated scopes (`scp`) and directory roles (`wids`); verify reads
 * the app-only token's `roles`. Signatures are the issuer's and the API's business, not ours.
 */

export interface TokenClaims {
  tid: string;
  /** Delegated scopes, space-separated in the JWT `scp` claim. */
  scp?: string;
  /** App-only permissions. */
  roles?: string[];
  /** Directory role template ids of the signed-in user (or app). */
  wids?: string[];
  oid?: string;
  appid?: string;
  aud?: string;
  exp?: number;
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

/** The claims entra-onboard uses, or undefined for a token that is not a JWT with a tenant id. */
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
