/**
 * The fast path of a kept sign-in: the access token MSAL's silent flow would hand back unchanged,
 * read straight from the token cache, so a run whose earlier sign-in is still fresh does not load
 * @azure/identity and MSAL at all (most of a warm run's start-up). It looks the token up the way
 * MSAL Node's cache does ("Token cache serialization in MSAL Node"; the shared MSAL cache schema:
 * AccessToken entries keyed by home account, environment, client id, realm and target) and is
 * stricter wherever it can be: any doubt means undefined, and the caller goes through
 * @azure/identity as before, which refreshes or signs in.
 */
import { decodeJwtClaims } from "../shared/jwt.js";

/** MSAL renews an access token this long before it expires (DEFAULT_TOKEN_RENEWAL_OFFSET_SEC). */
export const RENEWAL_MARGIN_SECONDS = 300;

/** Scopes MSAL leaves out when it matches a request against a cached token's target. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access"]);

/** The AuthenticationRecord fields that select the account (serializeAuthenticationRecord output). */
interface RecordFields {
  authority: string;
  homeAccountId: string;
  tenantId: string;
  clientId: string;
}

export interface KeptTokenQuery {
  /** The saved AuthenticationRecord, serialized. */
  record: string;
  clientId: string;
  /** As requested from the credential (full URIs, e.g. https://graph.microsoft.com/User.Read). */
  scopes: readonly string[];
  /** Seconds since the epoch. */
  nowSeconds: number;
}

export interface KeptToken {
  token: string;
  /** Seconds since the epoch after which MSAL would renew it: use it only before then. */
  renewAt: number;
}

type Entry = Record<string, unknown>;

/** The access token for `query` when exactly one cached entry fits and it is fresh; else undefined. */
export function findKeptAccessToken(cacheJson: string, query: KeptTokenQuery): KeptToken | undefined {
  const account = parseRecord(query.record);
  if (!account || !same(account.clientId, query.clientId)) return undefined;
  const wanted = query.scopes.map((s) => s.trim().toLowerCase()).filter((s) => s !== "" && !OIDC_SCOPES.has(s));
  if (wanted.length === 0) return undefined;
  const section = parseSection(cacheJson, "AccessToken");
  if (!section) return undefined;
  const matches = Object.values(section).filter(
    (e): e is Entry =>
      isEntry(e) &&
      e["credential_type"] === "AccessToken" &&
      same(e["home_account_id"], account.homeAccountId) &&
      same(e["environment"], account.authority) &&
      same(e["client_id"], query.clientId) &&
      same(e["realm"], account.tenantId) &&
      (e["token_type"] === undefined || same(e["token_type"], "Bearer")) &&
      coversScopes(e["target"], wanted),
  );
  // MSAL drops several matching tokens and refreshes; so do we, by leaving it to MSAL.
  if (matches.length !== 1) return undefined;
  const entry = matches[0] as Entry;
  const token = entry["secret"];
  const expiresOn = seconds(entry["expires_on"]);
  const cachedAt = seconds(entry["cached_at"]);
  if (typeof token !== "string" || token === "" || expiresOn === undefined || cachedAt === undefined) return undefined;
  // A clock turned back (cached in the "future") or a token due for proactive refresh: MSAL decides.
  if (cachedAt > query.nowSeconds) return undefined;
  if (entry["refresh_on"] !== undefined && !((seconds(entry["refresh_on"]) ?? 0) > query.nowSeconds)) return undefined;
  const renewAt = expiresOn - RENEWAL_MARGIN_SECONDS;
  if (renewAt <= query.nowSeconds) return undefined;
  // Where the token says for whom it is (a JWT), it must agree with the cache entry.
  const claims = decodeJwtClaims(token);
  if (claims !== undefined) {
    if (typeof claims["tid"] === "string" && !same(claims["tid"], account.tenantId)) return undefined;
    if (typeof claims["exp"] === "number" && claims["exp"] - RENEWAL_MARGIN_SECONDS <= query.nowSeconds) return undefined;
  }
  return { token, renewAt };
}

function parseRecord(serialized: string): RecordFields | undefined {
  try {
    const r = JSON.parse(serialized) as Partial<Record<keyof RecordFields, unknown>>;
    const fields = [r.authority, r.homeAccountId, r.tenantId, r.clientId];
    if (!fields.every((f) => typeof f === "string" && f !== "")) return undefined;
    return r as RecordFields;
  } catch {
    return undefined;
  }
}

function parseSection(cacheJson: string, name: string): Entry | undefined {
  try {
    const cache: unknown = JSON.parse(cacheJson);
    const section = isEntry(cache) ? cache[name] : undefined;
    return isEntry(section) ? section : undefined;
  } catch {
    return undefined;
  }
}

function coversScopes(target: unknown, wanted: readonly string[]): boolean {
  if (typeof target !== "string") return false;
  const granted = new Set(target.split(" ").map((s) => s.trim().toLowerCase()));
  return wanted.every((s) => granted.has(s));
}

function seconds(value: unknown): number | undefined {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : typeof value === "number" ? value : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

function same(a: unknown, b: string): boolean {
  return typeof a === "string" && a.toLowerCase() === b.toLowerCase();
}

function isEntry(value: unknown): value is Entry {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
