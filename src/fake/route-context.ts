/**
 * What a route gets to work with, and the response helpers shared by routes. Routes are
 * synchronous on purpose: with no await between reading and writing the stores, concurrent
 * requests can never interleave inside a write (so two upserts can't both create an app).
 */
import type { Caller } from "./auth.js";
import { badRequest, FakeHttpError, json } from "./http.js";
import { isRecord } from "./model.js";
import { applySelect, paginate, selectedProperties, type ParsedUrl } from "./odata.js";
import type { View } from "./store.js";
import type { FakeTenant } from "./tenant.js";
import type { FakeResponse } from "./types.js";

export interface RouteContext {
  tenant: FakeTenant;
  caller: Caller;
  method: string;
  url: ParsedUrl;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  /** Version root, e.g. "https://graph.microsoft.com/v1.0". */
  baseUrl: string;
  /** Clock and lag fixed at the moment the request is processed. */
  view: View;
}

export function unknownSegment(segment: string): FakeHttpError {
  return badRequest(`Resource not found for the segment '${segment}'.`, "BadRequest");
}

export function methodNotAllowed(method: string): FakeHttpError {
  return new FakeHttpError(405, "Request_BadRequest", `The HTTP method '${method}' is not supported for this resource.`);
}

/** The JSON object body of a POST/PATCH, or Graph's 400 for anything else. */
export function objectBody(ctx: RouteContext): Record<string, unknown> {
  if (!isRecord(ctx.body)) {
    throw badRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", "BadRequest");
  }
  return ctx.body;
}

export function prefersCreateIfMissing(ctx: RouteContext): boolean {
  return (ctx.headers["prefer"] ?? "").split(",").some((p) => p.trim().toLowerCase() === "create-if-missing");
}

/** 200 with one page of a collection, `$select` applied. */
export function collection(ctx: RouteContext, contextPath: string, items: readonly Record<string, unknown>[]): FakeResponse {
  const page = paginate(items, ctx.url, ctx.baseUrl);
  const select = selectedProperties(ctx.url.params);
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.baseUrl}/$metadata#${contextPath}`,
    value: page.value.map((item) => applySelect(item, select)),
  };
  if (page.nextLink !== undefined) body["@odata.nextLink"] = page.nextLink;
  return json(200, body);
}

/** A single object (200 by default), `$select` applied. */
export function entity(ctx: RouteContext, contextPath: string, item: Record<string, unknown>, status = 200): FakeResponse {
  const selected = status === 200 ? applySelect(item, selectedProperties(ctx.url.params)) : item;
  return json(status, { "@odata.context": `${ctx.baseUrl}/$metadata#${contextPath}/$entity`, ...selected });
}

export function requiredString(body: Record<string, unknown>, property: string, resource: string): string {
  const value = body[property];
  if (typeof value !== "string" || value.trim() === "") {
    throw badRequest(`Invalid value specified for property '${property}' of resource '${resource}'.`);
  }
  return value;
}
