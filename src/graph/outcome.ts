/**
 * From one answer (top-level or a $batch item) to what the retry loop needs: a finished
 * GraphResponse, a retry verdict, or a thrown GraphRequestError. Shared by send() and batch() so an
 * item inside a batch means exactly what the same request sent alone would mean.
 */
import { GraphRequestError } from "../shared/errors.js";
import type { GraphErrorInfo } from "./errors.js";
import { classify, type AnswerLike, type Attempt, type RetryVerdict } from "./retry.js";
import { TransportError, type RawRequest } from "./sdk-transport.js";
import type { GraphRequest, GraphResponse, HttpMethod } from "./types.js";

/** Body serialized as JSON, with the Content-Type Graph requires whenever there is a body. */
export function jsonHeaders(request: GraphRequest): Record<string, string> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) {
    headers["Content-Type"] = "application/json";
  }
  return headers;
}

export function toRawRequest(request: GraphRequest): RawRequest {
  const raw: RawRequest = { method: request.method, url: request.url, headers: jsonHeaders(request) };
  if (request.body !== undefined) raw.body = JSON.stringify(request.body);
  return raw;
}

export function requestError(operation: string, status: number, error: GraphErrorInfo): GraphRequestError {
  return new GraphRequestError({
    operation,
    status,
    code: error.code || "UnknownError",
    message: error.message || "(no error message)",
    requestId: error.requestId,
  });
}

/** Resolves the answer for the caller, asks for another attempt, or throws for a definitive failure. */
export function settle(answer: AnswerLike, request: GraphRequest, nowMs: number): Attempt<GraphResponse> {
  const verdict = classify(answer, request, nowMs);
  switch (verdict.kind) {
    case "success":
      return { done: true, value: { status: answer.status, headers: answer.headers, body: answer.body } };
    case "exists":
      return { done: true, value: { status: answer.status, headers: answer.headers, body: answer.body, alreadyExists: true } };
    case "retry":
      return { done: false, verdict };
    case "fail":
      throw requestError(request.operation, answer.status, verdict.error);
  }
}

/** Connection-level failures worth another try; TLS and DNS-not-found errors are not. */
const TRANSIENT_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Only requests that are safe to repeat: a POST whose answer was lost may already have created something. */
const IDEMPOTENT: readonly HttpMethod[] = ["GET", "DELETE"];

/**
 * A request that got no HTTP answer. Transient errors on idempotent requests become a retry verdict;
 * other transport failures become a GraphRequestError with status 0; anything else (a failing
 * token provider, a refused link) passes through untouched.
 */
export function networkOutcome(error: unknown, operation: string, methods: readonly HttpMethod[]): Attempt<never> {
  if (!(error instanceof TransportError)) throw error;
  const info: GraphErrorInfo = { code: error.code ?? "NetworkError", message: error.message, requestId: undefined, details: [] };
  const retryable =
    error.code !== undefined && TRANSIENT_NETWORK_CODES.has(error.code) && methods.every((m) => IDEMPOTENT.includes(m));
  if (!retryable) throw requestError(operation, 0, info);
  const verdict: RetryVerdict = { kind: "retry", cause: "network", reason: `network error (${error.code})`, status: 0, error: info };
  return { done: false, verdict };
}
