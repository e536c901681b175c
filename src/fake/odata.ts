/**
 * The OData subset the fake understands: key segments (`applications(appId='…')`), `$filter` with
 * `eq` / `in` joined by `and`, `$select`, `$top` and opaque `$skiptoken` paging.
 */
import { badRequest, FakeHttpError } from "./http.js";

export interface KeySegment {
  /** Alternate key name (`appId`, `uniqueName`), or undefined for `('id')` / `(id)`. */
  name: string | undefined;
  value: string;
}

export interface Segment {
  /** Decoded segment text as sent, for "Resource not found for the segment" messages. */
  raw: string;
  name: string;
  key?: KeySegment;
}

export interface ParsedUrl {
  /** Path as sent (still percent-encoded), without the query, e.g. "/applications". */
  rawPath: string;
  segments: Segment[];
  params: URLSearchParams;
}

function unquote(text: string): string {
  return text.replace(/''/g, "'");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function parseSegment(raw: string): Segment {
  const match = /^([^()]+)\((.*)\)$/s.exec(raw);
  if (match === null || match[1] === undefined || match[2] === undefined) return { raw, name: raw };
  const inner = match[2].trim();
  const named = /^(\w+)\s*=\s*'((?:[^']|'')*)'$/s.exec(inner);
  if (named?.[1] !== undefined && named[2] !== undefined) {
    return { raw, name: match[1], key: { name: named[1], value: unquote(named[2]) } };
  }
  const quoted = /^'((?:[^']|'')*)'$/s.exec(inner);
  const value = quoted?.[1] !== undefined ? unquote(quoted[1]) : inner;
  return { raw, name: match[1], key: { name: undefined, value } };
}

export function parseUrl(url: string): ParsedUrl {
  const q = url.indexOf("?");
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  const segments = rawPath
    .split("/")
    .filter((s) => s !== "")
    .map((s) => parseSegment(safeDecode(s)));
  return { rawPath: rawPath.startsWith("/") ? rawPath : `/${rawPath}`, segments, params: new URLSearchParams(query) };
}

export interface FilterClause {
  property: string;
  /** `eq` yields one value, `in` several; matching any of them satisfies the clause. */
  values: string[];
}

const literal = String.raw`'((?:[^']|'')*)'`;

/** Parses `a eq 'x' and b in ('y','z')`; unsupported shapes → 400 like Graph's "Invalid filter clause". */
export function parseFilter(expression: string): FilterClause[] {
  const clauses: FilterClause[] = [];
  let rest = expression.trim();
  const eq = new RegExp(String.raw`^(\w+)\s+eq\s+(?:${literal}|([0-9a-fA-F-]{36}|true|false))`, "is");
  const inList = new RegExp(String.raw`^(\w+)\s+in\s+\(\s*((?:${literal}\s*,?\s*)+)\)`, "is");
  while (rest !== "") {
    const e = eq.exec(rest);
    const i = e === null ? inList.exec(rest) : null;
    if (e?.[1] !== undefined) {
      clauses.push({ property: e[1], values: [e[2] !== undefined ? unquote(e[2]) : (e[3] ?? "")] });
      rest = rest.slice(e[0].length);
    } else if (i?.[1] !== undefined && i[2] !== undefined) {
      const values = [...i[2].matchAll(new RegExp(literal, "g"))].map((m) => unquote(m[1] ?? ""));
      clauses.push({ property: i[1], values });
      rest = rest.slice(i[0].length);
    } else {
      throw badRequest(`Invalid filter clause: ${expression}`, "BadRequest");
    }
    const and = /^\s+and\s+/i.exec(rest);
    if (and !== null) rest = rest.slice(and[0].length);
    else if (rest.trim() !== "") throw badRequest(`Invalid filter clause: ${expression}`, "BadRequest");
    else rest = "";
  }
  return clauses;
}

/**
 * The `$filter` of a request, restricted to properties the route supports. Graph compares directory
 * strings case-insensitively, so the matcher does too.
 */
export function filterFrom(params: URLSearchParams, allowed: readonly string[], resource: string): FilterClause[] {
  const expression = params.get("$filter");
  if (expression === null || expression.trim() === "") return [];
  const clauses = parseFilter(expression);
  for (const clause of clauses) {
    if (!allowed.includes(clause.property)) {
      throw badRequest(
        `Unsupported or invalid query filter clause specified for property '${clause.property}' of resource '${resource}'.`,
        "Request_UnsupportedQuery",
      );
    }
  }
  return clauses;
}

export function matchesFilter(item: Record<string, unknown>, clauses: readonly FilterClause[]): boolean {
  return clauses.every((clause) => {
    const actual = item[clause.property];
    if (typeof actual !== "string") return false;
    return clause.values.some((v) => v.toLowerCase() === actual.toLowerCase());
  });
}

export function selectedProperties(params: URLSearchParams): string[] | undefined {
  const select = params.get("$select");
  if (select === null || select.trim() === "") return undefined;
  return select.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Only the selected properties plus `id` (and `@odata.type`, which Graph keeps on objects of a
 * mixed-type collection); unknown names are dropped rather than rejected.
 */
export function applySelect<T extends Record<string, unknown>>(item: T, select: readonly string[] | undefined): Record<string, unknown> {
  if (select === undefined) return item;
  const out: Record<string, unknown> = "@odata.type" in item ? { "@odata.type": item["@odata.type"], id: item["id"] } : { id: item["id"] };
  for (const name of select) if (name in item) out[name] = item[name];
  return out;
}

export interface Page<T> {
  value: T[];
  nextLink: string | undefined;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;

function pageSize(params: URLSearchParams): number {
  const top = params.get("$top");
  if (top === null) return DEFAULT_PAGE;
  const n = Number(top);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw badRequest(`Invalid page size specified: '${top}'. Must be between 1 and ${MAX_PAGE} inclusive.`, "Request_BadRequest");
  }
  return n;
}

function offsetFrom(params: URLSearchParams): number {
  const token = params.get("$skiptoken");
  if (token === null) return 0;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new FakeHttpError(400, "Directory_InvalidSkipToken", "The specified page token value has expired and can no longer be included in your request.");
}

/** One page of `items`; `@odata.nextLink` is absolute and repeats the other query options. */
export function paginate<T>(items: readonly T[], url: ParsedUrl, baseUrl: string): Page<T> {
  const size = pageSize(url.params);
  const offset = offsetFrom(url.params);
  const value = items.slice(offset, offset + size);
  if (offset + size >= items.length) return { value, nextLink: undefined };
  const next = new URLSearchParams(url.params);
  next.set("$skiptoken", Buffer.from(JSON.stringify({ o: offset + size })).toString("base64url"));
  // Keep "$" literal and spaces as %20, as Graph's own nextLinks look.
  const query = [...next].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return { value, nextLink: `${baseUrl}${url.rawPath}?${query}` };
}
