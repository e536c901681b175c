/**
 * The sandbox authority's signing key: one RSA key per sandbox run, published as a JWKS, used for every
 * token the sandbox issues and for checking bearer tokens that reach the simulated Graph.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";
import type { Clock } from "../shared/clock.js";
import type { TokenClaims } from "../fake/types.js";
import { decodeJwt, signRs256, verifyJwtSignature, type JsonObject } from "./jwt.js";

/** Tolerated clock difference when checking exp/nbf, as Entra-protected APIs allow (5 minutes). */
const CLOCK_SKEW_S = 300;

export class SandboxSigner {
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly clock: Clock;
  private readonly verified = new Map<string, JsonObject>();

  constructor(clock: Clock) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.kid = randomUUID();
    this.clock = clock;
  }

  sign(payload: JsonObject): string {
    return signRs256({ kid: this.kid }, payload, this.privateKey);
  }

  /**
   * The payload of a token whose signature this signer made, else undefined. A signature stays
   * valid, so the last VERIFIED_CACHE good ones are remembered (a fleet of clients each sending a
   * dozen requests would otherwise verify the same signatures again and again); every other check
   * is made on each use.
   */
  private verifiedPayload(token: string): JsonObject | undefined {
    const known = this.verified.get(token);
    if (known) return known;
    const jwt = decodeJwt(token);
    if (!jwt || jwt.header["alg"] !== "RS256" || jwt.header["kid"] !== this.kid) return undefined;
    if (!verifyJwtSignature(jwt, this.publicKey)) return undefined;
    if (this.verified.size >= VERIFIED_CACHE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, jwt.payload);
    return jwt.payload;
  }

  jwks(): { keys: JsonObject[] } {
    const jwk = this.publicKey.export({ format: "jwk" });
    return { keys: [{ kty: jwk.kty, use: "sig", alg: "RS256", kid: this.kid, n: jwk.n, e: jwk.e }] };
  }

  /**
   * Claims of a bearer token this sandbox issued and that is still valid; undefined for anything else
   * (unsigned, signed by another key, expired, not yet valid, or — when `audience` is given — meant for
   * another resource; a list means any of a resource's identifiers). Id tokens never pass: they carry
   * ver 2.0 and the client id as audience.
   */
  verifyAccessToken(token: string, audience?: string | readonly string[]): TokenClaims | undefined {
    const p = this.verifiedPayload(token);
    if (!p) return undefined;
    const now = Math.floor(this.clock.now() / 1000);
    if (typeof p["exp"] !== "number" || p["exp"] + CLOCK_SKEW_S < now) return undefined;
    if (typeof p["nbf"] === "number" && p["nbf"] - CLOCK_SKEW_S > now) return undefined;
    if (p["ver"] !== "1.0" || typeof p["tid"] !== "string") return undefined;
    const audiences = audience === undefined ? undefined : typeof audience === "string" ? [audience] : audience;
    if (audiences !== undefined && !audiences.includes(String(p["aud"]))) return undefined;
    return toTokenClaims(p);
  }
}

/** How many verified signatures to remember: a client reuses one token for all its requests in an hour. */
const VERIFIED_CACHE = 1024;

function toTokenClaims(p: JsonObject): TokenClaims {
  const claims: TokenClaims = { tid: p["tid"] as string };
  if (typeof p["scp"] === "string") claims.scp = p["scp"];
  if (isStringArray(p["roles"])) claims.roles = p["roles"];
  if (isStringArray(p["wids"])) claims.wids = p["wids"];
  if (typeof p["oid"] === "string") claims.oid = p["oid"];
  if (typeof p["appid"] === "string") claims.appid = p["appid"];
  if (typeof p["aud"] === "string") claims.aud = p["aud"];
  if (typeof p["exp"] === "number") claims.exp = p["exp"];
  return claims;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
