import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraph } from "../../src/graph/graph-client.js";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { realClock } from "../../src/shared/clock.js";

const dir = mkdtempSync(join(tmpdir(), "graph-https-"));

function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", key, "-out", cert],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

let server: Server;
let base = "";
let trusted: { cert: string; key: string };
let other: { cert: string; key: string };

beforeAll(async () => {
  trusted = selfSigned("trusted");
  other = selfSigned("other");
  server = createServer({ cert: trusted.cert, key: trusted.key }, (req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      if (req.url === "/v1.0/empty") {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(201, { "Content-Type": "application/json", "Set-Cookie": ["a=1", "b=2"] });
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, echo: body === "" ? null : JSON.parse(body) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("httpsFetch", () => {
  it("talks to a server whose certificate is the given CA, returning a real Response", async () => {
    const fetch = httpsFetch({ ca: trusted.cert });
    const res = await fetch(`${base}/v1.0/things`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ n: 1 }) });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ method: "POST", url: "/v1.0/things", echo: { n: 1 } });
    const empty = await fetch(`${base}/v1.0/empty`, { method: "DELETE", headers: {} });
    expect(empty.status).toBe(204);
  });

  it("rejects a server certificate not issued by the given CA", async () => {
    const fetch = httpsFetch({ ca: other.cert });
    await expect(fetch(`${base}/v1.0/things`, { method: "GET", headers: {} })).rejects.toThrow();
  });

  it("works as createGraph's transport, token included", async () => {
    const graph = createGraph({ graphUrl: base, getToken: async () => "tls-token", clock: realClock(), fetch: httpsFetch({ ca: trusted.cert }) });
    const res = await graph.send<{ auth: string; echo: unknown }>({ method: "POST", url: "/things", body: { x: 1 }, operation: "create thing" });
    expect(res.body).toMatchObject({ auth: "Bearer tls-token", echo: { x: 1 } });
  });

  it("surfaces an untrusted certificate as a GraphRequestError (status 0), not a retry loop", async () => {
    const graph = createGraph({ graphUrl: base, getToken: async () => "t", clock: realClock(), fetch: httpsFetch({ ca: other.cert }) });
    await expect(graph.send({ method: "GET", url: "/things", operation: "read thing" })).rejects.toMatchObject({ status: 0, operation: "read thing" });
  });
});
