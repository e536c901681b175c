/**
 * The admin's token goes only where it belongs (issue 9, finding 2), through the real CLI. A
 * capture server listens on a NON-loopback address of this machine and counts every TCP
 * connection: a refused destination must receive nothing at all, not even a TLS handshake.
 *
 * Why a local non-loopback address: it proves "nothing was sent" by observation, with no outside
 * network. When the machine has none (only `lo`), the refusals are checked against 192.0.2.2
 * (TEST-NET-1, RFC 5737: never routed), where exit 2 with the refusal message shows the run
 * stopped before trying to connect (a connection attempt would end in a network error, exit 1).
 */
import { writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTlsCertificate } from "../../src/cert/generate.js";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { realClock } from "../../src/shared/clock.js";
import { adminToken } from "../support/harness.js";
import { serveGraphOverHttp } from "../support/http-graph.js";
import { CliRunner, errorLines, leakedSecrets, STACK_LINE } from "./helpers.js";

const address = Object.values(networkInterfaces())
  .flat()
  .find((i) => i !== undefined && i.family === "IPv4" && !i.internal)?.address;

let cli: CliRunner;
let capture: Server | undefined;
let connections = 0;
let host = "192.0.2.2";
let port = 9;
let caFile: string;
let fake: FakeGraph;
let token: string;

beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-dest-");
  fake = new FakeGraph({ clock: realClock(), tenants: [{ displayName: "Fabrikam", initialDomain: "fabrikam.onmicrosoft.com" }] });
  token = adminToken(fake.tenantIds()[0] ?? "");
  caFile = join(cli.cwd, "ca.pem");
  await writeFile(caFile, (await generateTlsCertificate({ now: new Date() })).certPem);
  if (address) {
    capture = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => capture!.listen(0, address, resolve));
    host = address;
    port = (capture.address() as { port: number }).port;
  }
});
afterAll(async () => {
  await new Promise<void>((resolve) => (capture ? capture.close(() => resolve()) : resolve()));
  await cli?.dispose();
});

async function expectNothingSent(args: string[], env: Record<string, string>, message: RegExp): Promise<string> {
  const before = connections;
  const result = await cli.run(args, { env: { ENTRA_ONBOARD_ACCESS_TOKEN: token, ...env }, timeoutMs: 20_000 });
  const detail = `args: ${args.join(" ")}\nstderr: ${result.stderr}`;
  expect(result.code, detail).toBe(2);
  expect(errorLines(result.stderr), detail).toHaveLength(1);
  expect(errorLines(result.stderr)[0], detail).toMatch(message);
  expect(result.stderr, detail).not.toMatch(STACK_LINE);
  expect(connections - before, `${detail}\nthe capture server at ${host}:${port} was contacted`).toBe(0);
  return result.stderr;
}

describe(`a Graph or sandbox host that is not this machine's loopback (${address ? `capture server on ${address}` : "192.0.2.2, no capture: no non-loopback address here"})`, () => {
  it("--graph-url over plain HTTP is refused and receives nothing", async () => {
    const line = await expectNothingSent(["plan", "--auth", "access-token", "--graph-url", `http://${host}:${port}`], {}, /plain HTTP to .*not this machine.*unencrypted/);
    expect(line).toContain(host);
  });

  it("…even with --allow-graph-host naming it", async () => {
    await expectNothingSent(["plan", "--auth", "access-token", "--graph-url", `http://${host}:${port}`, "--allow-graph-host", host], {}, /plain HTTP/);
  });

  it("ENTRA_ONBOARD_GRAPH_URL follows the same rule", async () => {
    await expectNothingSent(["plan", "--auth", "access-token"], { ENTRA_ONBOARD_GRAPH_URL: `http://${host}:${port}` }, /^error: ENTRA_ONBOARD_GRAPH_URL .*plain HTTP/);
  });

  it("https to a host that is not a Microsoft cloud needs --allow-graph-host, and receives nothing without it", async () => {
    await expectNothingSent(["plan", "--auth", "access-token", "--graph-url", `https://${host}:${port}`], {}, new RegExp(`would go to ${host.replace(/\./g, "\\.")}.*--allow-graph-host ${host.replace(/\./g, "\\.")}`));
  });

  it("--sandbox-url is loopback only: a remote 'sandbox' receives nothing", async () => {
    await expectNothingSent(["plan", "--sandbox-url", `https://${host}:${port}`, "--sandbox-ca", caFile], {}, /--sandbox-url must be the https:\/\/ loopback URL/);
  });
});

describe("--allow-graph-host", () => {
  it.skipIf(!address)("lets the token go to an https Graph host the admin named, with a warning naming that host (skipped: no non-loopback address)", async () => {
    const tls = await generateTlsCertificate({ now: new Date(), hosts: [address!] });
    const graph = await serveGraphOverHttp(fake, { host: address!, tls: { cert: tls.certPem, key: tls.keyPem } });
    const extraCa = join(cli.cwd, "proxy-ca.pem");
    await writeFile(extraCa, tls.certPem);
    try {
      const env = { ENTRA_ONBOARD_ACCESS_TOKEN: token, NODE_EXTRA_CA_CERTS: extraCa };
      const r = await cli.run(["plan", "--auth", "access-token", "--graph-url", graph.url, "--allow-graph-host", address!], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("+ create application Xops-App");
      expect(r.stderr).toMatch(new RegExp(`access token will be sent to ${address!.replace(/\./g, "\\.")}, which is not a Microsoft Graph host`));
      expect(r.stdout + r.stderr).not.toContain(token);
    } finally {
      await graph.close();
    }
  });
});

describe("Node's debug switches", () => {
  it("NODE_DEBUG=http (prints request headers, the token among them) gets a warning; NODE_DEBUG=fetch does not", async () => {
    const args = ["verify", "--out", join(cli.cwd, "no-onboarding-here")];
    const leaky = await cli.run(args, { env: { NODE_DEBUG: "http" } });
    expect(leaky.code, leaky.stderr).toBe(2);
    expect(leaky.stderr).toMatch(/NODE_DEBUG=http makes Node print HTTP request options and headers on stderr, including the access token/);
    const quiet = await cli.run(args, { env: { NODE_DEBUG: "fetch" } });
    expect(quiet.stderr).not.toContain("NODE_DEBUG");
  });
});

describe("secrets", () => {
  it("no run printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(5);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
