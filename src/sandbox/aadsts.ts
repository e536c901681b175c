/**
 * Entra's token-endpoint error body ("Microsoft Entra authentication and authorization error codes":
 * `error`, `error_description` starting with the AADSTS code and ending with the trace id, correlation id
 * and timestamp on their own lines, `error_codes`, `timestamp`, `trace_id`, `correlation_id`,
 * `error_uri`), so clients and the tool's error mapping see the same shape and codes as in production.
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

export interface DescribedFailure {
  description: string;
  timestamp: string;
  traceId: string;
  correlationId: string;
}

/** The error_description as Entra writes it (also used for redirects back to a client). */
export function describeFailure(detail: AadstsError, nowMs: number, correlationId?: string): DescribedFailure {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = new Date(nowMs).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  return {
    description: `AADSTS${detail.code}: ${detail.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    timestamp,
    traceId,
    correlationId: correlation,
  };
}

export function aadstsResponse(detail: AadstsError, nowMs: number, correlationId?: string): FakeResponse {
  const d = describeFailure(detail, nowMs, correlationId);
  return {
    status: detail.status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: {
      error: detail.error,
      error_description: d.description,
      error_codes: [detail.code],
      timestamp: d.timestamp,
      trace_id: d.traceId,
      correlation_id: d.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${detail.code}`,
    },
  };
}
