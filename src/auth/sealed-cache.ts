/**
 * The encrypted form of the token cache file: AES-256-GCM (authenticated, so a tampered file is
 * refused rather than half-read) with a fresh 96-bit IV per write, NIST SP 800-38D. The header names
 * the keyring holding the key and is bound to the ciphertext as additional authenticated data.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "../shared/errors.js";

const FORMAT = "entra-onboard/token-cache";
const VERSION = 1;
const CIPHER = "aes-256-gcm";
/** What every sealed file starts with: JSON.stringify keeps key order, and we write `format` first. */
const PREFIX = `{"format":"${FORMAT}"`;

interface SealedCache {
  format: typeof FORMAT;
  version: typeof VERSION;
  keyring: string;
  cipher: typeof CIPHER;
  iv: string;
  tag: string;
  data: string;
}

export function seal(plaintext: string, key: Buffer, keyring: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv(CIPHER, key, iv);
  cipher.setAAD(Buffer.from(aad(keyring)));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const sealed: SealedCache = { format: FORMAT, version: VERSION, keyring, cipher: CIPHER, iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64"), data: data.toString("base64") };
  return JSON.stringify(sealed);
}

/** The keyring id of a sealed file; undefined for a plain (MSAL JSON) one. */
export function sealedWith(text: string): string | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const parsed = JSON.parse(text) as Partial<SealedCache>;
  return typeof parsed.keyring === "string" ? parsed.keyring : "";
}

/** The plaintext; throws when the key is wrong or the file was changed. */
export function unseal(text: string, key: Buffer): string {
  const sealed = JSON.parse(text) as SealedCache;
  if (sealed.version !== VERSION || sealed.cipher !== CIPHER) throw new AppError(`unsupported token cache format ${String(sealed.version)}/${String(sealed.cipher)}`);
  const decipher = createDecipheriv(CIPHER, key, Buffer.from(sealed.iv, "base64"));
  decipher.setAAD(Buffer.from(aad(sealed.keyring)));
  decipher.setAuthTag(Buffer.from(sealed.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, "base64")), decipher.final()]).toString("utf8");
}

function aad(keyring: string): string {
  return `${FORMAT}|${VERSION}|${keyring}`;
}
