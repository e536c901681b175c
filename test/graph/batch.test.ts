import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeInnerBody } from "../../src/graph/batch.js";
import { createGraph } from "../../src/graph/graph-client.js";
import type { GraphRequest } from "../../src/graph/types.js";
import { virtualClock } from "../../src/shared/clock.js";
import { AppError, GraphRequestError } from "../../src/shared/errors.js";

const ROOT = "https://graph.microsoft.com";
const V1 = `${ROOT}/v1.0`;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}
interface InnerResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A $batch endpoint that answers each item with `answer` and shuffles the response order. */
function batchEndpoint(answer: (item: InnerRequest, round: number) => InnerResponse) {
  const posts: InnerRequest[][] = [];
  const handler = http.post(`${V1}/$batch`, async ({ request }) => {
    const { requests } = (await request.json()) as { requests: InnerRequest[] };
    posts.push(requests);
    const responses = requests.map((item) => answer(item, posts.length));
    responses.reverse();
    responses.push(responses.shift() as InnerResponse);
    return HttpResponse.json({ responses }, { status: 200 });
  });
  return { handler, posts };
}

function setup() {
  const clock = virtualClock();
  const graph = createGraph({ graphUrl: ROOT, getToken: async () => "t", clock, random: () => 1 });
  return { graph, clock, start: clock.now() };
}

const reads = (n: number): GraphRequest[] =>
  Array.from({ length: n }, (_, i) => ({ method: "GET" as const, url: `/users/u${i}`, operation: `read user u${i}` }));

describe("batch", () => {
  it("splits 25 requests into two /$batch posts and returns results in input order", async () => {
    const endpoint = batchEndpoint((item) => ({ id: item.id, status: 200, headers: { "Content-Type": "application/json" }, body: { url: item.url } }));
    server.use(endpoint.handler);
    const { graph } = setup();
    const results = await graph.batch(reads(25));
    expect(endpoint.posts.map((p) => p.length).sort()).toEqual([20, 5]);
    expect(results.map((r) => (r.body as { url: string }).url)).toEqual(reads(25).map((r) => r.url));
    // Inner URLs stay relative to the version root ("Combine multiple HTTP requests using JSON batching").
    expect(endpoint.posts.flat().every((item) => !item.url.startsWith("/v1.0"))).toBe(true);
  });

  it("retries an inner 429 in a second batch after its Retry-After", async () => {
    const endpoint = batchEndpoint((item, round) =>
      item.id === "1" && round === 1
        ? { id: item.id, status: 429, headers: { "Retry-After": "3" }, body: { error: { code: "TooManyRequests", message: "slow down" } } }
        : { id: item.id, status: 201, body: { created: item.url } },
    );
    server.use(endpoint.handler);
    const { graph, clock, start } = setup();
    const requests: GraphRequest[] = ["a", "b", "c"].map((n) => ({ method: "POST", url: `/things/${n}`, body: { n }, operation: `create ${n}` }));
    const results = await graph.batch(requests);
    expect(results.map((r) => (r.body as { created: string }).created)).toEqual(["/things/a", "/things/b", "/things/c"]);
    expect(endpoint.posts.map((p) => p.map((i) => i.url))).toEqual([["/things/a", "/things/b", "/things/c"], ["/things/b"]]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(3000);
    // Bodies carry their Content-Type inside the batch, as Graph requires.
    expect(endpoint.posts[0]?.[0]?.headers?.["Content-Type"]).toBe("application/json");
  });

  it("fails the call with the failing item's operation", async () => {
    const endpoint = batchEndpoint((item) =>
      item.id === "2"
        ? { id: item.id, status: 400, body: { error: { code: "Request_BadRequest", message: "One or more properties are invalid." } } }
        : { id: item.id, status: 200, body: {} },
    );
    server.use(endpoint.handler);
    const { graph } = setup();
    const error = await graph.batch(reads(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphRequestError);
    expect((error as Error).message).toContain("read user u2 failed: 400 Request_BadRequest");
  });

  it("applies existsOn and accept per item", async () => {
    const endpoint = batchEndpoint((item) =>
      item.id === "0"
        ? { id: item.id, status: 400, body: { error: { code: "Request_BadRequest", message: "Permission being assigned already exists on the object" } } }
        : { id: item.id, status: 404, body: { error: { code: "Request_ResourceNotFound", message: "gone" } } },
    );
    server.use(endpoint.handler);
    const { graph } = setup();
    const results = await graph.batch([
      { method: "POST", url: "/grants", body: {}, operation: "grant", existsOn: ["duplicate-app-role-assignment"] },
      { method: "GET", url: "/x", operation: "look up x", accept: [404] },
    ]);
    expect(results.map((r) => [r.status, r.alreadyExists === true])).toEqual([
      [400, true],
      [404, false],
    ]);
  });

  it("retries a throttled outer batch whole", async () => {
    let calls = 0;
    server.use(
      http.post(`${V1}/$batch`, async ({ request }) => {
        calls++;
        if (calls === 1) return HttpResponse.json({ error: { code: "TooManyRequests", message: "x" } }, { status: 429, headers: { "Retry-After": "2" } });
        const { requests } = (await request.json()) as { requests: InnerRequest[] };
        return HttpResponse.json({ responses: requests.map((r) => ({ id: r.id, status: 200, body: { ok: r.url } })) });
      }),
    );
    const { graph, clock, start } = setup();
    const results = await graph.batch(reads(2));
    expect(calls).toBe(2);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(2000);
  });

  it("decodes base64 and JSON-text inner bodies", () => {
    const json = { value: [1, 2] };
    expect(decodeInnerBody(Buffer.from(JSON.stringify(json)).toString("base64"))).toEqual(json);
    expect(decodeInnerBody(JSON.stringify(json))).toEqual(json);
    expect(decodeInnerBody("plain")).toBe("plain");
  });

  it("returns [] for no requests without calling Graph", async () => {
    const { graph } = setup();
    expect(await graph.batch([])).toEqual([]);
  });
});

describe("pages", () => {
  it("follows two nextLinks and concatenates values", async () => {
    const seenAuth: (string | null)[] = [];
    server.use(
      http.get(`${V1}/applications`, ({ request }) => {
        seenAuth.push(request.headers.get("authorization"));
        const token = new URL(request.url).searchParams.get("$skiptoken");
        if (token === "p2") return HttpResponse.json({ value: [3, 4], "@odata.nextLink": `${V1}/applications?$skiptoken=p3` });
        if (token === "p3") return HttpResponse.json({ value: [5] });
        return HttpResponse.json({ value: [] }, { status: 400 });
      }),
    );
    const { graph } = setup();
    const all = await graph.pages({ value: [1, 2], "@odata.nextLink": `${V1}/applications?$skiptoken=p2` }, "list apps");
    expect(all).toEqual([1, 2, 3, 4, 5]);
    expect(seenAuth).toEqual(["Bearer t", "Bearer t"]);
  });

  it("refuses a nextLink on another host, so the token never leaves Graph", async () => {
    const { graph } = setup();
    await expect(graph.pages({ value: [], "@odata.nextLink": "https://evil.example/v1.0/applications" }, "list apps")).rejects.toBeInstanceOf(AppError);
  });
});
