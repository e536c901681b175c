/**
 * JSON batching (Microsoft Graph: "Combine multiple HTTP requests using JSON batching"): ≤ 20 items, unique ids, `dependsOn` → 424 for dependents of a
 * failed item, answers in shuffled order with inner headers exactly as Graph sends them. Envelope
 * validation messages are [unverified]: Graph's exact texts were not found.
 */
import { badRequest, json } from "./http.js";
import { isRecord } from "./model.js";
import type { FakeResponse } from "./types.js";

export const BATCH_LIMIT = 20;

export interface BatchItem {
  id: string;
  method: string;
  /** Relative to the version root, starting with "/". */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchRunner {
  /** Runs one item; `dependencyFailed` means answer 424 without executing it. */
  run(item: BatchItem, dependencyFailed: boolean): Promise<FakeResponse>;
  shuffle<T>(items: readonly T[]): T[];
}

function parseItem(raw: unknown): BatchItem {
  if (!isRecord(raw)) throw badRequest("Invalid batch payload format.", "BadRequest");
  const { id, method, url, headers, body, dependsOn } = raw;
  if (typeof id !== "string" || id === "") throw badRequest("Batch request id is required and must be a non-empty string.", "BadRequest");
  if (typeof method !== "string" || typeof url !== "string") throw badRequest(`Batch request id : ${id} must have a method and a url.`, "BadRequest");
  const lowered: Record<string, string> = {};
  if (isRecord(headers)) for (const [k, v] of Object.entries(headers)) if (typeof v === "string") lowered[k.toLowerCase()] = v;
  if (body !== undefined && lowered["content-type"] === undefined) {
    throw badRequest(`Write request id : ${id} does not contain Content-Type header or body.`, "BadRequest");
  }
  if (dependsOn !== undefined && (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== "string"))) {
    throw badRequest(`Batch request id : ${id} has an invalid dependsOn.`, "BadRequest");
  }
  return { id, method: method.toUpperCase(), url: url.startsWith("/") ? url : `/${url}`, headers: lowered, body, dependsOn: (dependsOn as string[] | undefined) ?? [] };
}

export function parseBatch(body: unknown): BatchItem[] {
  if (!isRecord(body) || !Array.isArray(body["requests"])) throw badRequest("Invalid batch payload format.", "BadRequest");
  const requests = body["requests"];
  if (requests.length === 0) throw badRequest("Invalid batch payload format.", "BadRequest");
  if (requests.length > BATCH_LIMIT) throw badRequest(`The number of requests in a batch cannot exceed ${BATCH_LIMIT}.`, "BadRequest");
  const items = requests.map(parseItem);
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw badRequest(`Batch request ids must be unique; '${item.id}' is duplicated.`, "BadRequest");
    ids.add(item.id);
  }
  for (const item of items) {
    for (const dep of item.dependsOn) if (!ids.has(dep) || dep === item.id) throw badRequest(`Batch request id : ${item.id} depends on unknown request '${dep}'.`, "BadRequest");
  }
  // Reject cycles up front so no item of a malformed batch has run.
  const resolved = new Set<string>();
  let progress = true;
  while (progress && resolved.size < items.length) {
    progress = false;
    for (const item of items) {
      if (!resolved.has(item.id) && item.dependsOn.every((d) => resolved.has(d))) {
        resolved.add(item.id);
        progress = true;
      }
    }
  }
  if (resolved.size < items.length) throw badRequest("Batch requests have circular dependsOn references.", "BadRequest");
  return items;
}

function toInner(id: string, response: FakeResponse): Record<string, unknown> {
  const headers: Record<string, string> = {};
  // The Graph JS SDK only parses an inner body when this header is exactly "Content-Type: application/json".
  if (response.body !== undefined) headers["Content-Type"] = "application/json";
  const retryAfter = response.headers["retry-after"];
  if (retryAfter !== undefined) headers["Retry-After"] = retryAfter;
  const inner: Record<string, unknown> = { id, status: response.status, headers };
  if (response.body !== undefined) inner["body"] = response.body;
  return inner;
}

/** Runs items wave by wave (independent items concurrently), then answers in shuffled order. */
export async function runBatch(items: readonly BatchItem[], runner: BatchRunner): Promise<FakeResponse> {
  const results = new Map<string, FakeResponse>();
  let pending = [...items];
  while (pending.length > 0) {
    const ready = pending.filter((item) => item.dependsOn.every((d) => results.has(d)));
    const answers = await Promise.all(
      ready.map((item) => runner.run(item, item.dependsOn.some((d) => (results.get(d)?.status ?? 0) >= 400))),
    );
    ready.forEach((item, i) => results.set(item.id, answers[i] as FakeResponse));
    pending = pending.filter((item) => !results.has(item.id));
  }
  const responses = items.map((item) => toInner(item.id, results.get(item.id) as FakeResponse));
  return json(200, { responses: runner.shuffle(responses) });
}
