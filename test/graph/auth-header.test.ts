import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createGraph } from "../../src/graph/graph-client.js";
import { realClock } from "../../src/shared/clock.js";

// A real server, not msw: the point is what actually leaves the process for a non-Graph host
// (the SDK's own AuthenticationHandler only sends it to Microsoft Graph hosts: isGraphURL in
// msgraph-sdk-javascript's middleware/AuthenticationHandler.ts).
let server: Server;
let root = "";
const seen: { url: string | undefined; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, headers: req.headers });
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ value: [{ id: "org-1" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it("sends the bearer token to a plain http://127.0.0.1:<port> Graph root", async () => {
  const graph = createGraph({ graphUrl: root, getToken: async () => "tok-123", clock: realClock() });
  const res = await graph.send<{ value: { id: string }[] }>({ method: "GET", url: "/organization?$select=id", operation: "read org" });
  expect(res.body?.value[0]?.id).toBe("org-1");
  expect(seen[0]?.url).toBe("/v1.0/organization?$select=id");
  expect(seen[0]?.headers.authorization).toBe("Bearer tok-123");
});
