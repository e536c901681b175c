/**
 * The one retry helper. `classify` turns an answer into a verdict using the signature table;
 * `withRetry` is the bounded loop every Graph call (single, batched, paged) goes through, so the
 * waiting rules (Retry-After, backoff, the overall deadline, the give-up message) exist once.
 */
import type { Clock } from "../shared/clock.js";
import { TimeoutError } from "../shared/errors.js";
import { parseGraphError, type GraphErrorInfo } from "./errors.js";
import { TRANSIENT_STATUSES, findExistsSignature, findLagSignature } from "./signatures.js";
import type { ExistsSignatureName, GraphRequest, RetryEvent, RetryPolicy } from "./types.js";

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxElapsedMs: 300_000, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Floor for any wait. A server answering `Retry-After: 0` forever (or a zero base delay) would
 * otherwise spin without time passing on a virtual clock and never reach the deadline.
 */
export const MIN_RETRY_DELAY_MS = 100;

/** Why we are waiting: decides the wording of RetryEvent reasons and of the give-up message. */
export type RetryCause = "throttled" | "unavailable" | "lag" | "network";

export interface RetryVerdict {
  kind: "retry";
  cause: RetryCause;
  /** For RetryEvent, e.g. "throttled (429)", "replication lag: no-backing-application". */
  reason: string;
  status: number;
  error: GraphErrorInfo;
  retryAfterMs?: number;
}

export type Classification =
  | { kind: "success" }
  | { kind: "exists"; signature: ExistsSignatureName }
  | RetryVerdict
  | { kind: "fail"; error: GraphErrorInfo };

export interface AnswerLike {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: unknown;
}

const TRANSIENT_WORDS: Record<number, string> = { 429: "throttled", 503: "service unavailable", 504: "gateway timeout" };

/**
 * Order matters: a matching `existsOn` wins over `accept`, `accept` wins over `retryOn` (a caller
 * that accepts 404 wants the miss now, not after minutes of waiting).
 */
export function classify(response: AnswerLike, request: GraphRequest, nowMs: number): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: "success" };
  const error = parseGraphError(response.body, response.headers);
  const exists = findExistsSignature(request.existsOn ?? [], status, error);
  if (exists !== undefined) return { kind: "exists", signature: exists.name };
  if (request.accept?.includes(status) === true) return { kind: "success" };
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"], nowMs);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (TRANSIENT_STATUSES.includes(status)) {
    const cause: RetryCause = status === 429 ? "throttled" : "unavailable";
    return { kind: "retry", cause, reason: `${TRANSIENT_WORDS[status] ?? "transient"} (${status})`, status, error, ...after };
  }
  const lag = findLagSignature(request.retryOn ?? [], status, error);
  if (lag !== undefined) {
    return { kind: "retry", cause: "lag", reason: `replication lag: ${lag.name}`, status, error, ...after };
  }
  return { kind: "fail", error };
}

/** `Retry-After` as seconds (fractions allowed, as Graph sends "2.128") or an HTTP-date. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  // Require a letter: Date.parse accepts bare numbers like "1.5" as dates.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Exponential from baseDelayMs, doubling per attempt up to maxDelayMs, with "equal jitter" (½..1 × delay). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export type Attempt<T> =
  | { done: true; value: T }
  | {
      done: false;
      verdict: RetryVerdict;
      /** Overrides withRetry's operation in events and messages (a batch names the item that waits). */
      operation?: string;
    };

export interface RetryDeps {
  clock: Clock;
  policy: RetryPolicy;
  onRetry?: (event: RetryEvent) => void;
  /** Jitter source, injectable for deterministic tests. */
  random?: () => number;
}

/**
 * Runs `attemptFn` until it is done, waiting between attempts. Throws TimeoutError once the next
 * wait would cross `policy.maxElapsedMs` (Retry-After past the deadline: give up now; backoff past
 * it: shortened for one last attempt at the deadline). Errors thrown by `attemptFn` pass through.
 */
export async function withRetry<T>(
  operation: string,
  attemptFn: (attempt: number) => Promise<Attempt<T>>,
  deps: RetryDeps,
): Promise<T> {
  const { clock, policy } = deps;
  const random = deps.random ?? Math.random;
  const start = clock.now();
  const deadline = start + policy.maxElapsedMs;
  for (let attempt = 1; ; attempt++) {
    const result = await attemptFn(attempt);
    if (result.done) return result.value;
    const { verdict } = result;
    const op = result.operation ?? operation;
    const remaining = deadline - clock.now();
    const wanted = Math.max(MIN_RETRY_DELAY_MS, verdict.retryAfterMs ?? backoffDelay(attempt, policy, random));
    const serverInsists = verdict.retryAfterMs !== undefined;
    if (remaining <= 0 || (serverInsists && wanted > remaining)) {
      throw new TimeoutError(giveUpMessage(op, clock.now() - start, verdict), { detail: verdict.error.requestId });
    }
    const delayMs = Math.min(wanted, remaining);
    deps.onRetry?.({ operation: op, attempt, delayMs, reason: verdict.reason });
    await clock.sleep(delayMs);
  }
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

function quoted(error: GraphErrorInfo): string {
  const message = error.message || error.code;
  return message === "" ? "" : ` "${message}"`;
}

export function giveUpMessage(operation: string, elapsedMs: number, verdict: RetryVerdict): string {
  const after = `Gave up after ${formatDuration(elapsedMs)}`;
  const resume = "Run the same command again to resume.";
  switch (verdict.cause) {
    case "lag":
      return `${after} waiting for Microsoft Graph to replicate: ${operation} still answered ${verdict.status}${quoted(verdict.error)}. ${resume}`;
    case "throttled":
      return `${after} waiting for Microsoft Graph: ${operation} was still throttled (429)${quoted(verdict.error)}. ${resume}`;
    case "unavailable":
      return `${after} waiting for Microsoft Graph: ${operation} still answered ${verdict.reason}${quoted(verdict.error)}. ${resume}`;
    case "network":
      return `${after} waiting for Microsoft Graph to become reachable: ${operation} still failed (${verdict.reason}). ${resume}`;
  }
}
