import { describe, expect, it } from "vitest";
import { parseGraphError } from "../../src/graph/errors.js";
import { backoffDelay, classify, parseRetryAfter, withRetry, type RetryVerdict } from "../../src/graph/retry.js";
import type { GraphRequest, RetryEvent } from "../../src/graph/types.js";
import { virtualClock } from "../../src/shared/clock.js";
import { TimeoutError } from "../../src/shared/errors.js";

const NOW = Date.parse("2026-01-15T12:00:00Z");
const policy = { maxElapsedMs: 300_000, baseDelayMs: 1000, maxDelayMs: 60_000 };
const req = (extra: Partial<GraphRequest> = {}): GraphRequest => ({ method: "POST", url: "/x", operation: "op", ...extra });
const answer = (status: number, code: string, message: string, headers: Record<string, string> = {}, details?: unknown) => ({
  status,
  headers,
  body: { error: { code, message, ...(details === undefined ? {} : { details }) } },
});

describe("parseRetryAfter", () => {
  it("reads seconds, fractional seconds and HTTP-dates; rejects junk", () => {
    expect(parseRetryAfter("2", NOW)).toBe(2000);
    expect(parseRetryAfter("2.128", NOW)).toBe(2128);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
    expect(parseRetryAfter(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("-1", NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter("1.5.2", NOW)).toBeUndefined();
  });
});

describe("backoffDelay", () => {
  it("doubles from the base up to the ceiling, jittered between half and full", () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((a) => backoffDelay(a, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 60_000, 60_000, 60_000]);
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
  });
});

describe("classify", () => {
  it("knows the lag signatures only when the request lists them", () => {
    const noBacking = answer(400, "Request_BadRequest", "generic", {}, [{ code: "NoBackingApplicationObject" }]);
    expect(classify(noBacking, req({ retryOn: ["no-backing-application"] }), NOW)).toMatchObject({ kind: "retry", cause: "lag" });
    expect(classify(noBacking, req(), NOW).kind).toBe("fail");
    const cases: [ReturnType<typeof answer>, GraphRequest["retryOn"]][] = [
      [answer(403, "Authorization_RequestDenied", "When using this permission, the backing application of the service principal being created must in the local tenant"), ["backing-application-not-local"]],
      [answer(400, "Request_BadRequest", "Not a valid reference update."), ["not-a-valid-reference-update"]],
      [answer(404, "Request_ResourceNotFound", "Resource 'x' does not exist"), ["not-found"]],
      [answer(409, "Error_MsaAppDoesNotExist", "x"), ["msa-app-does-not-exist"]],
      [answer(424, "FailedDependency", "x"), ["failed-dependency"]],
      [answer(408, "RequestTimeout", "x"), ["request-timeout"]],
    ];
    for (const [a, retryOn] of cases) expect(classify(a, req({ retryOn }), NOW).kind).toBe("retry");
    // A 403 that is a real permission problem is not lag.
    expect(classify(answer(403, "Authorization_RequestDenied", "Insufficient privileges"), req({ retryOn: ["backing-application-not-local"] }), NOW).kind).toBe("fail");
  });

  it("recognises the exists signatures", () => {
    const all = req({ existsOn: ["duplicate-app-role-assignment", "duplicate-role-assignment", "duplicate-service-principal"] });
    expect(classify(answer(400, "Request_BadRequest", "EntitlementGrant entry already exists."), all, NOW)).toEqual({ kind: "exists", signature: "duplicate-app-role-assignment" });
    expect(classify(answer(400, "Request_BadRequest", "A conflicting object with one or more of the specified property values is present in the directory."), all, NOW)).toEqual({ kind: "exists", signature: "duplicate-role-assignment" });
    expect(classify(answer(409, "Request_MultipleObjectsWithSameKeyValue", "x"), all, NOW)).toEqual({ kind: "exists", signature: "duplicate-service-principal" });
    expect(classify(answer(400, "Request_BadRequest", "One or more properties are invalid."), all, NOW).kind).toBe("fail");
  });

  it("always retries 429/503/504 with their Retry-After, never 500", () => {
    expect(classify(answer(429, "TooManyRequests", "x", { "retry-after": "2.128" }), req(), NOW)).toMatchObject({ kind: "retry", cause: "throttled", reason: "throttled (429)", retryAfterMs: 2128 });
    expect(classify(answer(503, "ServiceUnavailable", "x"), req(), NOW)).toMatchObject({ kind: "retry", cause: "unavailable" });
    expect(classify(answer(504, "GatewayTimeout", "x"), req(), NOW).kind).toBe("retry");
    expect(classify(answer(500, "InternalServerError", "x"), req(), NOW).kind).toBe("fail");
  });
});

describe("withRetry", () => {
  const throttled = (retryAfterMs?: number): RetryVerdict => ({
    kind: "retry",
    cause: "throttled",
    reason: "throttled (429)",
    status: 429,
    error: parseGraphError({ error: { code: "TooManyRequests", message: "slow down" } }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  it("honours a Retry-After longer than maxDelayMs", async () => {
    const clock = virtualClock();
    const events: RetryEvent[] = [];
    let n = 0;
    const value = await withRetry("op", async () => (n++ === 0 ? { done: false, verdict: throttled(90_000) } : { done: true, value: 42 }), { clock, policy, onRetry: (e) => events.push(e) });
    expect(value).toBe(42);
    expect(events[0]?.delayMs).toBe(90_000);
  });

  it("gives up at once when Retry-After would cross the deadline", async () => {
    const clock = virtualClock();
    const start = clock.now();
    const run = withRetry("create thing", async () => ({ done: false, verdict: throttled(400_000) }), { clock, policy });
    await expect(run).rejects.toBeInstanceOf(TimeoutError);
    expect(clock.now()).toBe(start);
  });

  it("shortens the last backoff to land on the deadline, then gives up", async () => {
    const clock = virtualClock();
    const start = clock.now();
    let attempts = 0;
    const run = withRetry("op", async () => (attempts++, { done: false, verdict: throttled() }), { clock, policy: { ...policy, maxElapsedMs: 10_000 }, random: () => 1 });
    await expect(run).rejects.toThrow(/^Gave up after 10 s waiting for Microsoft Graph: op was still throttled \(429\) "slow down"/);
    expect(clock.now() - start).toBe(10_000);
    expect(attempts).toBe(5); // at 0, 1, 3, 7 and (shortened) 10 s
  });

  it("does not spin on Retry-After: 0", async () => {
    const clock = virtualClock();
    const run = withRetry("op", async () => ({ done: false, verdict: throttled(0) }), { clock, policy: { ...policy, maxElapsedMs: 1000 } });
    await expect(run).rejects.toBeInstanceOf(TimeoutError);
  });
});
