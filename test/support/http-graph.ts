/**
 * The fake tenant behind plain HTTP on 127.0.0.1, as a Graph-only simulation would be (no sign-in
 * authority, no TLS): for running the real CLI with --graph-url and --auth access-token.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGraph } from "../../src/fake/fake-graph.js";
import { lowerCaseHeaders, readBody, writeResponse } from "../../src/sandbox/http.js";

export async function serveGraphOverHttp(fake: FakeGraph): Promise<{ url: string; close: () => Promise<void> }> {
  let url = "";
  const server = createServer((req, res) => {
    void (async () => {
      const text = await readBody(req);
      const path = (req.url ?? "/").slice("/v1.0".length) || "/";
      const response = await fake.handle({
        method: req.method ?? "GET",
        url: path,
        headers: lowerCaseHeaders(req),
        ...(text ? { body: JSON.parse(text) as unknown } : {}),
        baseUrl: `${url}/v1.0`,
      });
      writeResponse(res, response);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
