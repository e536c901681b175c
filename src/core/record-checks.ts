/**
 * The checks connection.json's fields go through (record.ts): small combinators that say what is
 * wrong with the value at a path ("has a 'managed.roles[0]' that is not a GUID"), or nothing.
 */
import { unsafeCharacter } from "../shared/input-text.js";
import { CLOUD_NAMES, isCloudName } from "./clouds.js";
import { isGuid } from "../shared/text.js";

/** What is wrong with the value at `at` ("managed.roles[0]"), or undefined when it is fine. */
export type Check = (value: unknown, at: string) => string | undefined;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
export const problem = (at: string, what: string) => `has a '${at}' that ${what}`;

export const text: Check = (v, at) => {
  if (typeof v !== "string") return problem(at, "is not a string");
  const unsafe = unsafeCharacter(v);
  return unsafe ? problem(at, `contains a control character (${unsafe})`) : undefined;
};
export const guid: Check = (v, at) => (typeof v === "string" && isGuid(v) ? undefined : problem(at, "is not a GUID"));
export const thumbprint: Check = (v, at) => (typeof v === "string" && /^[0-9A-F]{40}$/i.test(v) ? undefined : problem(at, "is not a SHA-1 thumbprint (40 hex digits)"));
export const date: Check = (v, at) => (typeof v === "string" && !text(v, at) && !Number.isNaN(Date.parse(v)) ? undefined : problem(at, "is not a date"));
export const source: Check = (v, at) => (v === "generated" || v === "brought" ? undefined : problem(at, "is not 'generated' or 'brought'"));
export const cloud: Check = (v, at) => (typeof v === "string" && isCloudName(v) ? undefined : problem(at, `is not one of ${CLOUD_NAMES.join(", ")}`));
export const optional = (check: Check): Check => (v, at) => (v === undefined || v === null ? undefined : check(v, at));

export function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    if (!isObject(v)) return at === "" ? "is not a JSON object" : problem(at, "is not an object");
    for (const [name, check] of Object.entries(fields)) {
      const found = check(v[name], at === "" ? name : `${at}.${name}`);
      if (found) return found;
    }
    return undefined;
  };
}

/** A list the record keeps; absent means empty (format 1 has none). */
export function list(item: Check): Check {
  return (v, at) => {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) return problem(at, "is not a list");
    for (const [i, entry] of v.entries()) {
      const found = item(entry, `${at}[${i}]`);
      if (found) return found;
    }
    return undefined;
  };
}
