/**
 * The one door to Microsoft Graph: createGraph() wires the SDK exchange, the retry loop and $batch
 * into the Graph interface the rest of the product uses.
 */
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import { createBatcher } from "./batch.js";
import { assertSafeTransport } from "./destination.js";
import { networkOutcome, settle, toRawRequest } from "./outcome.js";
import { DEFAULT_RETRY_POLICY, withRetry, type RetryDeps } from "./retry.js";
import { createExchange, type FetchLike, type GraphLogEntry } from "./sdk-transport.js";
import type { Graph, GraphRequest, GraphResponse, RetryEvent, RetryPolicy } from "./types.js";

export type { FetchLike, GraphLogEntry } from "./sdk-transport.js";

export interface CreateGraphOptions {
  /** Graph ROOT such as "https://graph.microsoft.com" or "http://127.0.0.1:4010"; "/v1.0" is appended. */
  graphUrl: string;
  /** Called before every HTTP attempt, so a long wait never reuses an expired token. */
  getToken: () => Promise<string>;
  clock: Clock;
  policy?: Partial<RetryPolicy>;
  /** Defaults to globalThis.fetch, looked up per call (so msw's patched fetch is seen). */
  fetch?: FetchLike;
  onRetry?: (event: RetryEvent) => void;
  /** Debug trace of every HTTP exchange; entries never carry the token or headers. */
  log?: (entry: GraphLogEntry) => void;
  /** Jitter source for backoff; tests pass a constant. */
  random?: () => number;
}

interface Page<T> {
  value?: T[];
  "@odata.nextLink"?: string;
}

export function createGraph(options: CreateGraphOptions): Graph {
  // Every request carries the bearer token: never over plain HTTP to another machine.
  assertSafeTransport(options.graphUrl);
  const exchange = createExchange({
    graphUrl: options.graphUrl,
    getToken: options.getToken,
    clock: options.clock,
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    log: options.log,
  });
  const deps: RetryDeps = {
    clock: options.clock,
    policy: { ...DEFAULT_RETRY_POLICY, ...options.policy },
    ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    ...(options.random === undefined ? {} : { random: options.random }),
  };

  const send = async <T = unknown>(request: GraphRequest): Promise<GraphResponse<T>> => {
    const raw = toRawRequest(request);
    const response = await withRetry(
      request.operation,
      async () => {
        let answer;
        try {
          answer = await exchange(raw);
        } catch (error) {
          return networkOutcome(error, request.operation, [request.method]);
        }
        return settle(answer, request, options.clock.now());
      },
      deps,
    );
    return response as GraphResponse<T>;
  };

  const pages = async <T>(first: Page<T>, operation: string, extra?: { headers?: Record<string, string> }): Promise<T[]> => {
    const items: T[] = [...(first.value ?? [])];
    const seen = new Set<string>();
    let next = first["@odata.nextLink"];
    for (let page = 2; next !== undefined; page++) {
      // A server repeating a link would otherwise page forever.
      if (seen.has(next)) throw new AppError(`${operation}: Microsoft Graph returned the same next-page link twice`);
      seen.add(next);
      const request: GraphRequest = { method: "GET", url: next, operation: `${operation} (page ${page})` };
      if (extra?.headers !== undefined) request.headers = extra.headers;
      const response = await send<Page<T>>(request);
      items.push(...(response.body?.value ?? []));
      next = response.body?.["@odata.nextLink"];
    }
    return items;
  };

  return { send, batch: createBatcher(exchange, deps), pages };
}
