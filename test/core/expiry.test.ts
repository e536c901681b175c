import { describe, expect, it } from "vitest";
import { describeExpiry, isExpiring } from "../../src/core/expiry.js";

const NOW = new Date("2026-11-30T09:30:00Z");
const at = (iso: string) => new Date(iso);

describe("describeExpiry", () => {
  it.each([
    ["2026-11-30T18:00:00Z", "expires today (2026-11-30 18:00 UTC)"],
    ["2026-12-01T00:10:00Z", "expires on 2026-12-01 (tomorrow)"],
    ["2026-12-12T08:00:00Z", "expires on 2026-12-12 (in 12 days)"],
    ["2026-11-30T09:29:59Z", "expired today (2026-11-30 09:29 UTC)"],
    ["2026-11-29T23:59:00Z", "expired on 2026-11-29 (yesterday)"],
    ["2026-11-28T12:00:00Z", "expired on 2026-11-28 (2 days ago)"],
  ])("%s → %s", (expires, text) => {
    expect(describeExpiry(at(expires), NOW)).toBe(text);
  });

  it("never says 'in 0 days' or a negative count, whatever the distance", () => {
    for (let hours = -24 * 40; hours <= 24 * 40; hours += 7) {
      const text = describeExpiry(new Date(NOW.getTime() + hours * 3_600_000), NOW);
      expect(text).not.toMatch(/\bin 0 days|in -|-\d+ days|\(0 days ago/);
    }
  });
});

describe("isExpiring", () => {
  it("is true inside the window and after expiry, false beyond it", () => {
    expect(isExpiring(at("2026-12-29T09:30:00Z"), NOW, 30)).toBe(true);
    expect(isExpiring(at("2026-12-30T09:30:00Z"), NOW, 30)).toBe(false);
    expect(isExpiring(at("2026-11-01T00:00:00Z"), NOW, 30)).toBe(true);
    expect(isExpiring(at("2026-12-01T00:00:00Z"), NOW, 0)).toBe(false);
  });
});
