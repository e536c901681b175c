/**
 * The shape of a Graph call as the rest of the product sees it. Only src/graph/ turns these into
 * HTTP; everything else builds GraphRequest values and reads GraphResponse values.
 */
export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

/** Names of the "this thing already exists" answers Graph gives (see src/graph/signatures.ts). */
export type ExistsSignatureName =
  | "duplicate-app-role-assignment"
  | "duplicate-role-assignment"
  | "duplicate-service-principal";

/** Names of the replication-lag answers Graph gives right after a write (see src/graph/signatures.ts). */
export type LagSignatureName =
  | "not-found"
  | "no-backing-application"
  | "backing-application-not-local"
  | "not-a-valid-reference-update"
  | "msa-app-does-not-exist"
  | "failed-dependency"
  | "request-timeout";

export interface GraphRequest {
  method: HttpMethod;
  /** Relative to the version root and starting with "/", e.g. "/applications?$filter=displayName eq 'X'". */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** What this request does, in words, for logs and errors: "create service principal for Xops-App". */
  operation: string;
  /**
   * Replication-lag answers worth retrying for this request (throttling and 5xx are always retried).
   * A lookup that may legitimately 404 must not list "not-found" here, or every miss waits minutes.
   */
  retryOn?: readonly LagSignatureName[];
  /** Answers that mean "already there": resolved as a response with `alreadyExists: true`, not thrown. */
  existsOn?: readonly ExistsSignatureName[];
  /** Extra non-2xx statuses returned to the caller instead of thrown (e.g. 404 for an optional lookup). */
  accept?: readonly number[];
}

export interface GraphResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T | undefined;
  /** True when the answer matched one of the request's `existsOn` signatures. */
  alreadyExists?: boolean;
}

/** Progress of the retry loop, for the "waiting for replication…" lines users see. */
export interface RetryEvent {
  operation: string;
  attempt: number;
  delayMs: number;
  /** e.g. "throttled (429)", "replication lag: no-backing-application". */
  reason: string;
}

export interface RetryPolicy {
  /** Give up once this much time has passed since the first attempt (default 5 minutes). */
  maxElapsedMs: number;
  /** First backoff delay; doubles each attempt, with jitter (default 1 s). */
  baseDelayMs: number;
  /** Backoff ceiling (default 60 s). Retry-After from the server is honoured as given. */
  maxDelayMs: number;
}

/** The one door to Graph. Implemented in src/graph/graph-client.ts. */
export interface Graph {
  /** Sends one request, retrying per policy. Resolves 2xx, `accept`ed or `existsOn` answers; throws GraphRequestError otherwise. */
  send<T = unknown>(request: GraphRequest): Promise<GraphResponse<T>>;
  /**
   * Sends independent requests together through JSON $batch (chunks of 20, chunks in parallel).
   * Each item gets the same semantics as send(): failed items are retried (in a new batch after the
   * longest Retry-After) and the first item that fails for good makes the whole call throw.
   * Results come back in input order.
   */
  batch(requests: readonly GraphRequest[]): Promise<GraphResponse[]>;
  /**
   * Follows `@odata.nextLink` (absolute URLs under the same Graph root) from a first page already
   * fetched, with send()'s retry semantics, and returns every page's `value` concatenated.
   * `options.headers` go with every next-page request (e.g. `ConsistencyLevel: eventual`).
   */
  pages<T>(
    first: { value?: T[]; "@odata.nextLink"?: string },
    operation: string,
    options?: { headers?: Record<string, string> },
  ): Promise<T[]>;
}
