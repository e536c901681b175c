/**
 * msw 2 adapter over FakeGraph: converts a fetch Request into a FakeRequest and the FakeResponse
 * back. Kept thin on purpose — all Graph behaviour lives in src/fake/.
 */
import { http, HttpResponse, type RequestHandler } from "msw";
import type { FakeGraph } from "../../src/fake/fake-graph.js";
import type { FakeRequest } from "../../src/fake/types.js";

async function readBody(request: Request): Promise<unknown> {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const text = await request.text();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Hand the raw text on: the fake answers Graph's "Unable to read JSON request payload" 400.
    return text;
  }
}

export function graphHandlers(fake: FakeGraph, baseUrl = "https://graph.microsoft.com"): RequestHandler[] {
  const root = `${baseUrl.replace(/\/+$/, "")}/v1.0`;
  return [
    http.all(`${root}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const rootPath = new URL(root).pathname;
      const headers: Record<string, string> = {};
      request.headers.forEach((value, name) => {
        headers[name.toLowerCase()] = value;
      });
      const fakeRequest: FakeRequest = {
        method: request.method,
        url: `${url.pathname.slice(rootPath.length)}${url.search}`,
        headers,
        body: await readBody(request),
        baseUrl: root,
      };
      const response = await fake.handle(fakeRequest);
      return new HttpResponse(response.body === undefined ? null : JSON.stringify(response.body), {
        status: response.status,
        headers: response.headers,
      });
    }),
  ];
}

/** Log entries added since `sinceIndex`, as "METHOD url status" lines (handy in failure messages). */
export function requestLines(fake: FakeGraph, sinceIndex = 0): string[] {
  return fake.requests.slice(sinceIndex).map((e) => `${e.batchIndex === undefined ? "" : "  "}${e.method} ${e.url} ${e.status}`);
}
