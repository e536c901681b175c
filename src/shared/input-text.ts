/**
 * Checks on text that came from the command line, a file or the tenant before it is shown or sent.
 * A control character in a name or path can forge terminal output (a newline and ANSI escapes print
 * a fake plan line) or reach a request; bidirectional overrides reorder what the admin reads. None
 * of them belongs in a name, a tenant, a path or a URL this tool handles, so they are refused.
 */

/**
 * X.520's upper bound for a commonName (RFC 5280, Appendix A: ub-common-name = 64). The app's
 * display name is the generated certificate's common name, so it is the name's limit too (Graph
 * itself allows 256 characters: "application resource type", Microsoft Graph v1.0 reference).
 */
export const MAX_COMMON_NAME = 64;

// C0, DEL and C1 controls; line and paragraph separators; the bidirectional marks, embeddings,
// overrides and isolates (Unicode UAX #9) that can make text read differently from what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

/** "U+001B" for the first control or bidirectional-override character in `text`, else undefined. */
export function unsafeCharacter(text: string): string | undefined {
  const found = UNSAFE.exec(text);
  if (!found) return undefined;
  return `U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/**
 * Text from the tenant (an owner's name, which a plain user may be able to set) made safe to show:
 * each control or bidirectional character becomes a visible `\u001b`-style escape, so it can neither
 * start a new line in a one-line error nor forge or reorder a plan line.
 */
export function printable(text: string): string {
  return text.replace(new RegExp(UNSAFE.source, "gu"), (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`);
}

/**
 * A copy of a result in which every string is printable(): what the text renderers show. A plan, a
 * drift finding or an error quotes names the tenant hands over (the organisation, an app's or a
 * certificate's display name, which the app's owners can set), so the renderers escape all of it
 * at their door rather than field by field. `--json` keeps the raw values (JSON escapes them).
 */
export function printableDeep<T>(value: T): T {
  if (typeof value === "string") return printable(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => printableDeep(v)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T;
  }
  return value;
}
