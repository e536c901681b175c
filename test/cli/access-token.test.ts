/**
 * The CLI against a Graph-only endpoint on plain http://127.0.0.1 with a ready-made token from the
 * environment: how the tool runs against any Graph simulation (or a token from another tool).
 * The Graph client must still send the token to a non-Microsoft host.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { realClock } from "../../src/shared/clock.js";
import { adminToken } from "../support/harness.js";
import { serveGraphOverHttp } from "../support/http-graph.js";
import { CliRunner, leakedSecrets } from "./helpers.js";

let server: Awaited<ReturnType<typeof serveGraphOverHttp>>;
let fake: FakeGraph;
let cli: CliRunner;
let env: Record<string, string>;

beforeAll(async () => {
  fake = new FakeGraph({ clock: realClock(), tenants: [{ displayName: "Fabrikam", initialDomain: "fabrikam.onmicrosoft.com" }] });
  server = await serveGraphOverHttp(fake);
  cli = await CliRunner.create("eo-token-");
  env = { ENTRA_ONBOARD_ACCESS_TOKEN: adminToken(fake.tenantIds()[0] ?? ""), ENTRA_ONBOARD_GRAPH_URL: server.url };
});
afterAll(async () => {
  await server.close();
  await cli.dispose();
});

describe("--auth access-token against an http Graph", () => {
  it("applies, re-runs without writes, and reports in sync; the token never appears in output", async () => {
    const first = await cli.run(["apply", "--auth", "access-token", "--yes", "--json"], { env });
    expect(first.code, first.stderr).toBe(0);
    const connection = JSON.parse(first.stdout) as { tenantId: string; organization: string; appId: string; changed: boolean };
    expect(connection).toMatchObject({ tenantId: fake.tenantIds()[0], organization: "fabrikam.onmicrosoft.com", changed: true });
    expect(fake.tenant(connection.tenantId).applications().map((a) => a.appId)).toEqual([connection.appId]);

    const since = fake.requests.length;
    const again = await cli.run(["apply", "--auth", "access-token", "--yes", "--json"], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(fake.stats(since).writes).toBe(0);

    const status = await cli.run(["status", "--auth", "access-token"], { env });
    expect(status.code, status.stdout).toBe(0);
    expect(status.stdout).toMatch(/In sync/);
    for (const r of [first, again, status]) {
      expect(r.stdout + r.stderr).not.toContain(env.ENTRA_ONBOARD_ACCESS_TOKEN);
      expect(leakedSecrets(r.stdout + r.stderr)).toEqual([]);
    }
  });
});
