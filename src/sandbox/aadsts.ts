/**
 * Entra's token-endpoint error body (graph.md §11), so clients and the tool's error mapping see the
 * same shape and AADSTS codes as in production.
 */
import { randomUUID } from "node:crypto";
import type { FakeResponse } from "../fake/types.js";

export interface AadstsError {
  status: number;
  /** OAuth error: invalid_client, unauthorized_client, invalid_scope, invalid_request, invalid_grant, … */
  error: string;
  code: number;
  message: string;
}

export class AadstsFailure extends Error {
  readonly detail: AadstsError;
  constructor(detail: AadstsError) {
    super(`AADSTS${detail.code}: ${detail.message}`);
    this.name = "AadstsFailure";
    this.detail = detail;
  }
}

/** Throws the named Entra error; grant handlers use it to bail out from any depth. */
export function fail(status: number, error: string, code: number, message: string): never {
  throw new AadstsFailure({ status, error, code, message });
}

export function aadstsResponse(detail: AadstsError, nowMs: number, correlationId?: string): FakeResponse {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = new Date(nowMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    status: detail.status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: {
      error: detail.error,
      error_description: `AADSTS${detail.code}: ${detail.message} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
      error_codes: [detail.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${detail.code}`,
    },
  };
}
