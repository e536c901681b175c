/** Small text helpers shared by input validation messages. */

/** Levenshtein distance, case-insensitive; used to suggest the closest valid names. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const current = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[t.length] ?? 0;
}

/** Up to `limit` candidates closest to `wanted`, best first (substring matches count as close). */
export function closestMatches(wanted: string, candidates: readonly string[], limit = 3): string[] {
  const w = wanted.toLowerCase();
  return [...new Set(candidates)]
    .map((c) => ({ c, d: c.toLowerCase().includes(w) || w.includes(c.toLowerCase()) ? 0 : editDistance(w, c) }))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((x) => x.c);
}

export function didYouMean(wanted: string, candidates: readonly string[]): string {
  const best = closestMatches(wanted, candidates);
  return best.length === 0 ? "" : ` Closest matches: ${best.map((b) => `'${b}'`).join(", ")}.`;
}

/**
 * A slug safe for Graph's uniqueName. The "application resource type" page (Graph v1.0 reference)
 * documents uniqueName as an immutable alternate key but not its allowed characters: stay conservative.
 */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, 40) || "app";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}
