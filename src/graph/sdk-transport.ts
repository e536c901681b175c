/**
 * One HTTP exchange with Graph through @microsoft/microsoft-graph-client, with our own middleware:
 * the SDK's AuthenticationHandler only attaches the token for Microsoft Graph hosts (its
 * isGraphURL/isCustomHost check in msgraph-sdk-javascript's AuthenticationHandler.ts), which would
 * drop it for the sandbox or a Graph mock, and its RetryHandler knows nothing about replication
 * lag, so neither is used. RAW responses come back
 * unthrown for every status; we read status, headers and body ourselves.
 */
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import type { Context, Middleware, MiddlewareOptions } from "@microsoft/microsoft-graph-client";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { HttpMethod } from "./types.js";

/** The part of fetch we use; globalThis.fetch fits, and so does httpsFetch(). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string }) => Promise<Response>;

/**
 * One HTTP exchange, for a debug trace. Only data fields: the logger that receives it supplies the
 * level and message, so a JSON log line never carries two `level` or `msg` keys.
 */
export interface GraphLogEntry {
  method: string;
  url: string;
  status?: number;
  ms?: number;
}

export interface RawRequest {
  method: HttpMethod;
  /** Relative to the version root ("/applications"), or absolute under it (an @odata.nextLink). */
  url: string;
  headers: Record<string, string>;
  /** Already serialized JSON. */
  body?: string;
}

export interface RawAnswer {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text, else undefined. */
  body: unknown;
}

/** The request never got an HTTP answer (DNS, refused connection, TLS, reset). */
export class TransportError extends AppError {
  /** Node/undici error code such as "ECONNRESET", when known. */
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, cause: unknown) {
    super(message, { cause });
    this.code = code;
  }
}

/**
 * Per-call channel through the SDK's middleware options: the SDK wraps anything thrown inside the
 * chain into a GraphError that loses the original, so the chain records it here and we rethrow it.
 */
class CallProbe implements MiddlewareOptions {
  failure: { error: unknown } | undefined;
}

function probeOf(context: Context): CallProbe | undefined {
  return context.middlewareControl?.getMiddlewareOptions(CallProbe) as CallProbe | undefined;
}

/**
 * Request headers as a plain record. A Headers object is recognised by its shape: `instanceof
 * Headers` would make Node load its fetch implementation (undici, ~30 ms) before the first request,
 * and the SDK hands us plain objects anyway.
 */
function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isHeaders(headers)) headers.forEach((value, key) => (out[key] = value));
  else if (Array.isArray(headers)) for (const [key, value] of headers as [string, string][]) out[key] = value;
  else if (typeof headers === "object" && headers !== null) Object.assign(out, headers);
  return out;
}

function isHeaders(value: unknown): value is { forEach(callback: (value: string, key: string) => void): void } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { forEach?: unknown }).forEach === "function";
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

class AuthMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly getToken: () => Promise<string>) {}
  async execute(context: Context): Promise<void> {
    let token: string;
    try {
      token = await this.getToken();
    } catch (error) {
      const probe = probeOf(context);
      if (probe) probe.failure = { error };
      throw error;
    }
    const headers = headerRecord(context.options?.headers);
    for (const key of Object.keys(headers)) if (key.toLowerCase() === "authorization") delete headers[key];
    headers["Authorization"] = `Bearer ${token}`;
    context.options = { ...context.options, headers };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

class TransportMiddleware implements Middleware {
  constructor(private readonly fetchFn: FetchLike) {}
  async execute(context: Context): Promise<void> {
    const url = typeof context.request === "string" ? context.request : (context.request as { url: string }).url;
    const options = context.options ?? {};
    const body = typeof options.body === "string" ? options.body : undefined;
    const init = { method: options.method ?? "GET", headers: headerRecord(options.headers), ...(body === undefined ? {} : { body }) };
    try {
      context.response = await this.fetchFn(url, init);
    } catch (error) {
      const code = errorCode(error);
      const reason = error instanceof Error ? error.message : String(error);
      const failure = new TransportError(`${reason}${code ? ` (${code})` : ""}`, code, error);
      const probe = probeOf(context);
      if (probe) probe.failure = { error: failure };
      throw failure;
    }
  }
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === "") return undefined;
  const looksJson = contentType?.includes("json") === true || /^\s*[[{]/.test(text);
  if (!looksJson) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The SDK treats any path containing "https://" as an absolute URL and re-splits it, which would
 * mangle a `$filter` comparing against an https URL; percent-encoding it in the query is equivalent.
 */
function protectQuery(path: string): string {
  const q = path.indexOf("?");
  if (q === -1) return path;
  return path.slice(0, q + 1) + path.slice(q + 1).replace(/https:\/\//gi, "https%3A%2F%2F");
}

export type Exchange = (request: RawRequest) => Promise<RawAnswer>;

export function createExchange(options: {
  graphUrl: string;
  getToken: () => Promise<string>;
  clock: Clock;
  fetch: FetchLike;
  log?: ((entry: GraphLogEntry) => void) | undefined;
}): Exchange {
  const root = options.graphUrl.replace(/\/+$/, "");
  const versionRoot = `${root}/v1.0`;
  const client = Client.initWithMiddleware({
    baseUrl: root,
    defaultVersion: "v1.0",
    middleware: [new AuthMiddleware(options.getToken), new TransportMiddleware(options.fetch)],
  });

  const toPath = (url: string): string => {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return protectQuery(url);
    // Only links under our own Graph root: the token must never travel to another host.
    if (!url.toLowerCase().startsWith(`${versionRoot.toLowerCase()}/`)) {
      throw new AppError(`Refusing to follow a link outside ${versionRoot}: ${url}`);
    }
    return protectQuery(url.slice(versionRoot.length));
  };

  return async (request) => {
    const path = toPath(request.url);
    const probe = new CallProbe();
    const call = client.api(path).headers(request.headers).middlewareOptions([probe]).responseType(ResponseType.RAW);
    const started = options.clock.now();
    let response: Response;
    try {
      switch (request.method) {
        case "GET":
          response = (await call.get()) as Response;
          break;
        case "POST":
          response = (await call.post(request.body)) as Response;
          break;
        case "PATCH":
          response = (await call.patch(request.body)) as Response;
          break;
        case "DELETE":
          response = (await call.delete()) as Response;
          break;
      }
    } catch (error) {
      throw probe.failure !== undefined ? probe.failure.error : error;
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
    const body = parseBody(await response.text(), headers["content-type"]);
    options.log?.({
      method: request.method,
      url: `${versionRoot}${path}`,
      status: response.status,
      ms: options.clock.now() - started,
    });
    return { status: response.status, headers, body };
  };
}
