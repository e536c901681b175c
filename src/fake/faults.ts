/**
 * Injected failures (FaultOptions): seeded dice for 429/503 so a failing run can be replayed.
 * The dice are rolled before a request touches any store, so a faulted write never half-happens.
 */
import { json, type RequestIds } from "./http.js";
import { isoDate } from "./model.js";
import type { FakeResponse, FaultOptions } from "./types.js";

/** mulberry32: tiny, fast, good enough for fault dice; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision = { kind: "throttle" } | { kind: "unavailable"; withRetryAfter: boolean } | undefined;

export class FaultDice {
  readonly options: FaultOptions;
  readonly random: () => number;

  constructor(options: FaultOptions) {
    this.options = { ...options };
    this.random = seededRandom(options.seed ?? 1);
  }

  get retryAfter(): string {
    return this.options.retryAfter ?? "0.2";
  }

  decide(): FaultDecision {
    const { throttleRate = 0, failRate = 0 } = this.options;
    if (throttleRate > 0 && this.random() < throttleRate) return { kind: "throttle" };
    if (failRate > 0 && this.random() < failRate) return { kind: "unavailable", withRetryAfter: this.random() < 0.5 };
    return undefined;
  }

  /** Fisher–Yates with the fault PRNG; never the identity for 2+ items, so order bugs always show. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    if (out.length > 1 && out.every((item, i) => item === items[i])) out.push(out.shift() as T);
    return out;
  }
}

/** Microsoft Graph "Microsoft Graph throttling guidance", including the odd innerError layout of its documented 429 body. */
export function throttledResponse(now: number, retryAfter: string, ids: RequestIds): FakeResponse {
  return json(
    429,
    {
      error: {
        code: "TooManyRequests",
        innerError: { code: "429", date: isoDate(now), message: "Please retry after", "request-id": ids.requestId, status: "429", "client-request-id": ids.clientRequestId },
        message: "Please retry again later.",
      },
    },
    { "retry-after": retryAfter },
  );
}

export function unavailableResponse(now: number, retryAfter: string | undefined, ids: RequestIds): FakeResponse {
  return json(
    503,
    {
      error: {
        code: "serviceNotAvailable",
        message: "The service is temporarily unavailable. Please retry after a delay.",
        innerError: { date: isoDate(now), "request-id": ids.requestId, "client-request-id": ids.clientRequestId },
      },
    },
    retryAfter === undefined ? {} : { "retry-after": retryAfter },
  );
}
