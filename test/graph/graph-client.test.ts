import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGraph } from "../../src/graph/graph-client.js";
import type { RetryEvent } from "../../src/graph/types.js";
import { virtualClock } from "../../src/shared/clock.js";
import { GraphRequestError, TimeoutError } from "../../src/shared/errors.js";

const ROOT = "https://graph.microsoft.com";
const V1 = `${ROOT}/v1.0`;
const TOKEN = "secret-token-value";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function graphError(status: number, code: string, message: unknown, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  return HttpResponse.json({ error: { code, message, innerError: { "request-id": "req-123", date: "2026-01-15T12:00:00" }, ...extra } }, { status, headers });
}

/** Answers in order, repeating the last one forever. */
function sequence(...answers: (() => Response)[]) {
  let calls = 0;
  const handler = () => (answers[Math.min(calls++, answers.length - 1)] as () => Response)();
  return { handler, calls: () => calls };
}

function setup(policy?: { maxElapsedMs?: number }) {
  const clock = virtualClock();
  const events: RetryEvent[] = [];
  const logs: string[] = [];
  const graph = createGraph({
    graphUrl: ROOT,
    getToken: async () => TOKEN,
    clock,
    random: () => 1,
    onRetry: (e) => events.push(e),
    log: (entry) => logs.push(JSON.stringify(entry)),
    ...(policy ? { policy } : {}),
  });
  return { graph, clock, events, logs, start: clock.now() };
}

const ok = () => HttpResponse.json({ id: "app-1" }, { status: 200 });

describe("send: throttling and transient answers", () => {
  it("honours a fractional Retry-After on 429, then succeeds", async () => {
    const s = sequence(() => graphError(429, "TooManyRequests", "Please retry again later.", {}, { "Retry-After": "1.5" }), ok);
    server.use(http.get(`${V1}/applications/app-1`, s.handler));
    const { graph, clock, events, start } = setup();
    const res = await graph.send<{ id: string }>({ method: "GET", url: "/applications/app-1", operation: "read app" });
    expect(res.status).toBe(200);
    expect(res.body?.id).toBe("app-1");
    expect(clock.now() - start).toBeGreaterThanOrEqual(1500);
    expect(events).toEqual([{ operation: "read app", attempt: 1, delayMs: 1500, reason: "throttled (429)" }]);
  });

  it("honours an HTTP-date Retry-After", async () => {
    const { graph, clock, start } = setup();
    const until = new Date(start + 7000).toUTCString();
    const s = sequence(() => graphError(503, "ServiceUnavailable", "busy", {}, { "Retry-After": until }), ok);
    server.use(http.get(`${V1}/organization`, s.handler));
    await graph.send({ method: "GET", url: "/organization", operation: "read org" });
    expect(clock.now() - start).toBeGreaterThanOrEqual(7000);
    expect(clock.now() - start).toBeLessThan(8000);
  });

  it("retries 503 twice then succeeds, with backoff doubling", async () => {
    const s = sequence(() => graphError(503, "ServiceUnavailable", "busy"), () => graphError(503, "ServiceUnavailable", "busy"), ok);
    server.use(http.get(`${V1}/organization`, s.handler));
    const { graph, events } = setup();
    const res = await graph.send({ method: "GET", url: "/organization", operation: "read org" });
    expect(res.status).toBe(200);
    expect(s.calls()).toBe(3);
    expect(events.map((e) => e.delayMs)).toEqual([1000, 2000]);
  });

  it("retries 504", async () => {
    const s = sequence(() => new HttpResponse("gateway timeout", { status: 504 }), ok);
    server.use(http.get(`${V1}/organization`, s.handler));
    const { graph } = setup();
    expect((await graph.send({ method: "GET", url: "/organization", operation: "read org" })).status).toBe(200);
    expect(s.calls()).toBe(2);
  });

  it("does not retry 500", async () => {
    const s = sequence(() => graphError(500, "InternalServerError", "boom"));
    server.use(http.get(`${V1}/organization`, s.handler));
    const { graph } = setup();
    await expect(graph.send({ method: "GET", url: "/organization", operation: "read org" })).rejects.toBeInstanceOf(GraphRequestError);
    expect(s.calls()).toBe(1);
  });

  it("gives up on endless 429 with a TimeoutError naming the operation, within the deadline", async () => {
    server.use(http.post(`${V1}/servicePrincipals`, () => graphError(429, "TooManyRequests", "Please retry again later.")));
    const { graph, clock, start } = setup({ maxElapsedMs: 60_000 });
    const error = await graph
      .send({ method: "POST", url: "/servicePrincipals", body: { appId: "a" }, operation: "create service principal for Xops-App" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const message = (error as TimeoutError).message;
    expect(message).toContain("create service principal for Xops-App");
    expect(message).toContain("throttled (429)");
    expect(message).toContain("Run the same command again");
    expect(clock.now() - start).toBe(60_000);
  });
});

describe("send: replication lag, accept and existsOn", () => {
  const noBacking = () =>
    graphError(400, "Request_BadRequest", "The appId 'a1' of the service principal does not reference a valid application object.", {
      details: [{ code: "NoBackingApplicationObject", target: "appId" }],
    });

  it("retries a lag signature listed in retryOn until success", async () => {
    const s = sequence(noBacking, noBacking, noBacking, () => HttpResponse.json({ id: "sp-1" }, { status: 201 }));
    server.use(http.post(`${V1}/servicePrincipals`, s.handler));
    const { graph, events } = setup();
    const res = await graph.send({
      method: "POST",
      url: "/servicePrincipals",
      body: { appId: "a1" },
      operation: "create service principal for Xops-App",
      retryOn: ["no-backing-application"],
    });
    expect(res.status).toBe(201);
    expect(s.calls()).toBe(4);
    expect(events.every((e) => e.reason === "replication lag: no-backing-application")).toBe(true);
  });

  it("fails at once with GraphRequestError when the same answer is not in retryOn", async () => {
    const s = sequence(noBacking);
    server.use(http.post(`${V1}/servicePrincipals`, s.handler));
    const { graph } = setup();
    const error = await graph
      .send({ method: "POST", url: "/servicePrincipals", body: { appId: "a1" }, operation: "create SP", retryOn: ["not-found"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).status).toBe(400);
    expect((error as GraphRequestError).code).toBe("Request_BadRequest");
    expect((error as GraphRequestError).requestId).toBe("req-123");
    expect(s.calls()).toBe(1);
  });

  it("gives up on lasting lag with the replication wording", async () => {
    server.use(http.post(`${V1}/servicePrincipals`, noBacking));
    const { graph } = setup();
    const error = await graph
      .send({ method: "POST", url: "/servicePrincipals", body: { appId: "a1" }, operation: "create service principal for Xops-App", retryOn: ["no-backing-application"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/^Gave up after 5 min waiting for Microsoft Graph to replicate: create service principal for Xops-App still answered 400 "The appId 'a1'/);
  });

  it("returns an accepted 404 without throwing or retrying", async () => {
    const s = sequence(() => graphError(404, "Request_ResourceNotFound", "Resource 'x' does not exist"));
    server.use(http.get(/\/v1\.0\/servicePrincipals\(appId=(%27|')x(%27|')\)$/, s.handler));
    const { graph } = setup();
    const res = await graph.send({ method: "GET", url: "/servicePrincipals(appId='x')", operation: "find SP", accept: [404] });
    expect(res.status).toBe(404);
    expect(s.calls()).toBe(1);
  });

  it("resolves a duplicate grant as alreadyExists", async () => {
    server.use(
      http.post(`${V1}/servicePrincipals/sp-1/appRoleAssignedTo`, () =>
        graphError(400, "Request_BadRequest", "Permission being assigned already exists on the object"),
      ),
    );
    const { graph } = setup();
    const res = await graph.send({
      method: "POST",
      url: "/servicePrincipals/sp-1/appRoleAssignedTo",
      body: { principalId: "p", resourceId: "sp-1", appRoleId: "r" },
      operation: "grant Exchange.ManageAsApp",
      existsOn: ["duplicate-app-role-assignment"],
    });
    expect(res.alreadyExists).toBe(true);
    expect(res.status).toBe(400);
  });
});

describe("send: error parsing and request details", () => {
  it("reads {lang,value} messages, object details and the request id", async () => {
    server.use(
      http.patch(`${V1}/applications/app-1`, () =>
        HttpResponse.json(
          { error: { code: "Request_BadRequest", message: { lang: "en", value: "Legacy shaped message" }, details: { code: "X", message: "y" }, innererror: { "request-id": "rid-9" } } },
          { status: 400 },
        ),
      ),
    );
    const { graph } = setup();
    const error = (await graph
      .send({ method: "PATCH", url: "/applications/app-1", body: { displayName: "n" }, operation: "rename app" })
      .catch((e: unknown) => e)) as GraphRequestError;
    expect(error).toBeInstanceOf(GraphRequestError);
    expect(error.message).toBe("rename app failed: 400 Request_BadRequest: Legacy shaped message");
    expect(error.requestId).toBe("rid-9");
    expect(error.operation).toBe("rename app");
  });

  it("sends JSON with Content-Type, the bearer token, and an unmangled $filter", async () => {
    let seen: { auth: string | null; type: string | null; body: unknown; filter: string | null } | undefined;
    server.use(
      http.post(`${V1}/applications`, async ({ request }) => {
        seen = {
          auth: request.headers.get("authorization"),
          type: request.headers.get("content-type"),
          body: await request.json(),
          filter: new URL(request.url).searchParams.get("$filter"),
        };
        return HttpResponse.json({ id: "new" }, { status: 201 });
      }),
    );
    const { graph, logs } = setup();
    await graph.send({
      method: "POST",
      url: "/applications?$filter=web/redirectUris/any(x:x eq 'https://example.com/a')",
      body: { displayName: "Xops-App" },
      operation: "create app",
    });
    expect(seen).toEqual({
      auth: `Bearer ${TOKEN}`,
      type: "application/json",
      body: { displayName: "Xops-App" },
      filter: "web/redirectUris/any(x:x eq 'https://example.com/a')",
    });
    expect(logs.length).toBe(1);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("propagates a failing token provider unchanged and never retries it", async () => {
    const clock = virtualClock();
    class TokenFailure extends Error {}
    const graph = createGraph({ graphUrl: ROOT, getToken: () => Promise.reject(new TokenFailure("sign-in needed")), clock });
    await expect(graph.send({ method: "GET", url: "/organization", operation: "read org" })).rejects.toBeInstanceOf(TokenFailure);
  });

  it("maps a connection failure on a POST to GraphRequestError without retrying", async () => {
    server.use(http.post(`${V1}/applications`, () => HttpResponse.error()));
    const { graph, events } = setup();
    const error = await graph.send({ method: "POST", url: "/applications", body: {}, operation: "create app" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as GraphRequestError).status).toBe(0);
    expect(events).toEqual([]);
  });
});
