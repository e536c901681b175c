/**
 * Response building. Routes throw FakeHttpError for Graph errors; FakeGraph turns it into the
 * standard envelope so every error carries innerError date / request-id / client-request-id.
 */
import { randomUUID } from "node:crypto";
import type { FakeResponse } from "./types.js";
import { isoDate } from "./model.js";

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** A Graph error answer raised from inside a route. */
export class FakeHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, extra?: { details?: ErrorDetail[]; headers?: Record<string, string> }) {
    super(message);
    this.name = "FakeHttpError";
    this.status = status;
    this.code = code;
    this.details = extra?.details;
    this.headers = extra?.headers ?? {};
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body };
}

export function noContent(): FakeResponse {
  return { status: 204, headers: {} };
}

export function notFound(key: string): FakeHttpError {
  return new FakeHttpError(
    404,
    "Request_ResourceNotFound",
    `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = "Request_BadRequest"): FakeHttpError {
  return new FakeHttpError(400, code, message);
}

export function forbidden(): FakeHttpError {
  return new FakeHttpError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
}

/** Correlation ids of one request, echoed in error bodies and (top level only) response headers. */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export function requestIds(clientRequestId: string | undefined): RequestIds {
  return { requestId: randomUUID(), clientRequestId: clientRequestId ?? randomUUID() };
}

export function errorResponse(error: FakeHttpError, now: number, ids: RequestIds): FakeResponse {
  const body: Record<string, unknown> = {
    code: error.code,
    message: error.message,
    innerError: { date: isoDate(now), "request-id": ids.requestId, "client-request-id": ids.clientRequestId },
  };
  if (error.details !== undefined) body["details"] = error.details;
  return json(error.status, { error: body }, error.headers);
}
