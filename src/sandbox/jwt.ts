/**
 * Minimal compact-JWS helpers for the sandbox authority. Only what Entra uses: RS256 for the tokens
 * the sandbox issues, RS256/PS256 for client assertions it verifies. Kept dependency-free (node:crypto)
 * so the sandbox checks signatures exactly the way it says it does.
 */
import { constants, sign, verify, type KeyObject } from "node:crypto";

export type JsonObject = Record<string, unknown>;

export interface DecodedJwt {
  header: JsonObject;
  payload: JsonObject;
  /** The bytes the signature covers: "<header>.<payload>". */
  signingInput: string;
  signature: Buffer;
}

export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

export function base64urlJson(value: unknown): string {
  return base64url(JSON.stringify(value));
}

/** Splits and parses a compact JWS; undefined when it is not one (wrong part count, bad JSON). */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
    const payload: unknown = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    if (!isObject(header) || !isObject(payload)) return undefined;
    return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, "base64url") };
  } catch {
    return undefined;
  }
}

export function signRs256(header: JsonObject, payload: JsonObject, privateKey: KeyObject): string {
  const signingInput = `${base64urlJson({ ...header, alg: "RS256", typ: "JWT" })}.${base64urlJson(payload)}`;
  const signature = sign("sha256", Buffer.from(signingInput), privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

/** Checks the signature for the JWS algorithms Entra accepts on client assertions. Other algs fail. */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  const data = Buffer.from(jwt.signingInput);
  try {
    switch (jwt.header["alg"]) {
      case "RS256":
        return verify("sha256", data, publicKey, jwt.signature);
      case "PS256":
        return verify(
          "sha256",
          data,
          { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST },
          jwt.signature,
        );
      default:
        // "none", HS256 with a public key as secret, etc.: never accepted.
        return false;
    }
  } catch {
    return false;
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
