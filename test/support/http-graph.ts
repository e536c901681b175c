/**
 * The fake tenant behind plain HTTP on 127.0.0.1, as a Graph-only simulation would be (no sign-in
 * authority, no TLS): for running the real CLI with --graph-url and --auth access-token. With
 * `tls`, the same over HTTPS on `host` (a proxy-like Graph host that is not Microsoft's).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { FakeGraph } from "../../src/fake/fake-graph.js";
import { lowerCaseHeaders, readBody, writeResponse } from "../../src/sandbox/http.js";

export interface ServeOptions {
  host?: string;
  tls?: { cert: string; key: string };
}

export async function serveGraphOverHttp(fake: FakeGraph, options: ServeOptions = {}): Promise<{ url: string; close: () => Promise<void> }> {
  let url = "";
  const handle = (req: IncomingMessage, res: ServerResponse) => {
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
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  url = `${options.tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
