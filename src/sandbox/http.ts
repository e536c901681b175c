/**
 * node:http plumbing for the sandbox: read a request body, write a FakeResponse. Kept apart from the
 * routing so server.ts stays about wiring.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeResponse } from "../fake/types.js";

/** Bodies above this are refused: the sandbox never needs large payloads, and it bounds memory. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError(`Request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Node already lower-cases incoming header names; this flattens repeated ones. */
export function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export function writeResponse(res: ServerResponse, response: FakeResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.body !== undefined && response.status !== 204) {
    if (typeof response.body === "string" && !(headers["content-type"] ?? "").includes("json")) {
      payload = response.body;
    } else {
      payload = JSON.stringify(response.body);
      headers["content-type"] ??= "application/json; charset=utf-8";
    }
  }
  if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function graphError(status: number, code: string, message: string, nowMs: number): FakeResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: { error: { code, message, innerError: { date: new Date(nowMs).toISOString().replace(/\.\d+Z$/, "Z") } } },
  };
}
