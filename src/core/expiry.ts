/**
 * How an expiry date reads in a plan, status or warning. Counted in calendar days (UTC), so a
 * message never says "in 0 days" or "in -5 days": "expires today (… UTC)", "expires on 2026-12-12
 * (in 12 days)", "expired on 2026-11-30 (2 days ago)".
 */
const DAY_MS = 86_400_000;

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

const dayOf = (d: Date) => d.toISOString().slice(0, 10);

export function describeExpiry(expires: Date, now: Date): string {
  const date = dayOf(expires);
  const days = Math.round((Date.parse(date) - Date.parse(dayOf(now))) / DAY_MS);
  const at = `${date} ${expires.toISOString().slice(11, 16)} UTC`;
  if (expires.getTime() <= now.getTime()) {
    if (days === 0) return `expired today (${at})`;
    return `expired on ${date} (${-days === 1 ? "yesterday" : `${-days} days ago`})`;
  }
  if (days === 0) return `expires today (${at})`;
  return `expires on ${date} (${days === 1 ? "tomorrow" : `in ${days} days`})`;
}

/** Whether a certificate that ends at `expires` has expired or ends within `warningDays` of now. */
export function isExpiring(expires: Date, now: Date, warningDays: number): boolean {
  return expires.getTime() - now.getTime() < warningDays * DAY_MS;
}
