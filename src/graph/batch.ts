/**
 * JSON $batch ("Combine multiple HTTP requests using JSON batching", Microsoft Graph docs), built by
 * hand: inner request URLs must be relative to the version root ("/users", not "/v1.0/users"), and
 * @microsoft/microsoft-graph-client 3.0.7's BatchRequestContent keeps "/v1.0" in them. At most 20
 * requests per batch, answered in any order (matched by id). Items are judged one by one exactly like
 * send(); items Graph asks us to repeat go out again in a new, smaller batch after the longest wait.
 */
import { AppError } from "../shared/errors.js";
import { backoffDelay, classify, withRetry, type AnswerLike, type RetryDeps, type RetryVerdict } from "./retry.js";
import { jsonHeaders, networkOutcome, requestError, settle } from "./outcome.js";
import type { Exchange } from "./sdk-transport.js";
import { parseGraphError } from "./errors.js";
import type { GraphRequest, GraphResponse } from "./types.js";

/** Graph's per-batch limit. */
export const BATCH_LIMIT = 20;

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === "object" && v !== null && !Array.isArray(v);

/** Inner bodies are JSON objects, JSON text, or base64 (Graph's encoding for non-JSON content). */
export function decodeInnerBody(body: unknown): unknown {
  if (typeof body !== "string") return body;
  const candidates = [body];
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(body) && body.length % 4 === 0) {
    candidates.push(Buffer.from(body, "base64").toString("utf8"));
  }
  for (const text of candidates) {
    if (!/^\s*[[{]/.test(text)) continue;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON; try the next reading
    }
  }
  return body;
}

function innerAnswer(item: Dict): AnswerLike {
  const headers: Record<string, string> = {};
  if (isDict(item["headers"])) {
    for (const [key, value] of Object.entries(item["headers"])) headers[key.toLowerCase()] = String(value);
  }
  return { status: Number(item["status"]), headers, body: decodeInnerBody(item["body"]) };
}

function describe(requests: readonly GraphRequest[]): string {
  const first = requests[0]?.operation ?? "nothing";
  return requests.length === 1 ? first : `${first} (and ${requests.length - 1} more batched requests)`;
}

/** The verdict to wait on: the longest Retry-After, but never shorter than backoff for items that gave none. */
function longestWait(verdicts: readonly RetryVerdict[], attempt: number, deps: RetryDeps): RetryVerdict {
  const withAfter = verdicts.filter((v) => v.retryAfterMs !== undefined);
  if (withAfter.length === 0) return verdicts[0] as RetryVerdict;
  const longest = withAfter.reduce((a, b) => ((b.retryAfterMs ?? 0) > (a.retryAfterMs ?? 0) ? b : a));
  if (withAfter.length === verdicts.length) return longest;
  const backoff = backoffDelay(attempt, deps.policy, deps.random ?? Math.random);
  return { ...longest, retryAfterMs: Math.max(longest.retryAfterMs ?? 0, backoff) };
}

export function createBatcher(exchange: Exchange, deps: RetryDeps): (requests: readonly GraphRequest[]) => Promise<GraphResponse[]> {
  return async (requests) => {
    const results: GraphResponse[] = new Array<GraphResponse>(requests.length);
    // Set when one chunk fails for good, so the other chunks stop at their next attempt.
    const abandoned = { value: false };

    const runChunk = async (indices: number[]): Promise<void> => {
      let pending = indices;
      await withRetry(
        describe(indices.map((i) => requests[i] as GraphRequest)),
        async (attempt) => {
          if (abandoned.value) throw new AppError("batch abandoned after another item failed");
          const items = pending.map((i) => ({ index: i, request: requests[i] as GraphRequest }));
          const operation = describe(items.map((x) => x.request));
          const body = {
            requests: items.map(({ index, request }) => ({
              id: String(index),
              method: request.method,
              url: request.url,
              headers: jsonHeaders(request),
              ...(request.body === undefined ? {} : { body: request.body }),
            })),
          };
          const outer = { method: "POST" as const, url: "/$batch", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
          let answer;
          try {
            answer = await exchange(outer);
          } catch (error) {
            return networkOutcome(error, operation, items.map((x) => x.request.method));
          }
          const envelope = isDict(answer.body) && Array.isArray(answer.body["responses"]) ? answer.body["responses"] : undefined;
          // The JSON batching page answers 200 for a batch with failed items; the "Throttling and
          // batching" section of "Microsoft Graph throttling guidance" says 424. Accept both.
          if (envelope === undefined || (answer.status !== 200 && answer.status !== 424)) {
            const outerRequest: GraphRequest = { method: "POST", url: "/$batch", operation };
            const verdict = classify(answer, outerRequest, deps.clock.now());
            if (verdict.kind === "retry") return { done: false, verdict, operation };
            throw requestError(operation, answer.status, parseGraphError(answer.body, answer.headers));
          }
          const byId = new Map(envelope.filter(isDict).map((r) => [String(r["id"]), r]));
          const waiting: number[] = [];
          const verdicts: RetryVerdict[] = [];
          for (const { index, request } of items) {
            const item = byId.get(String(index));
            if (item === undefined) {
              const missing = { code: "MissingBatchResponse", message: "the $batch answer had no response for this item", requestId: undefined, details: [] };
              throw requestError(request.operation, 0, missing);
            }
            const outcome = settle(innerAnswer(item), request, deps.clock.now());
            if (outcome.done) results[index] = outcome.value;
            else {
              waiting.push(index);
              verdicts.push(outcome.verdict);
            }
          }
          pending = waiting;
          if (waiting.length === 0) return { done: true, value: undefined };
          return {
            done: false,
            verdict: longestWait(verdicts, attempt, deps),
            operation: describe(waiting.map((i) => requests[i] as GraphRequest)),
          };
        },
        deps,
      );
    };

    const chunks: number[][] = [];
    for (let start = 0; start < requests.length; start += BATCH_LIMIT) {
      chunks.push(requests.slice(start, start + BATCH_LIMIT).map((_, offset) => start + offset));
    }
    try {
      await Promise.all(chunks.map(runChunk));
    } catch (error) {
      abandoned.value = true;
      throw error;
    }
    return results;
  };
}
