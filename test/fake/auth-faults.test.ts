import { describe, expect, it } from "vitest";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import { decodeJwtClaims, unsignedToken } from "../../src/fake/tokens.js";
import { bodyOf, errorOf, setup, tokenFor } from "./helpers.js";

describe("authentication and permissions", () => {
  it.each([
    ["no Authorization header", null, "Access token is empty."],
    ["a token that is not a JWT", "not-a-jwt", "Access token validation failure."],
    ["a token for an unknown tenant", unsignedToken({ tid: "11111111-2222-3333-4444-555555555555", scp: "User.Read" }), "Access token validation failure."],
  ])("answers 401 InvalidAuthenticationToken for %s", async (_name, token, message) => {
    const { call } = setup();
    const res = await call("GET", "/organization", undefined, { token });
    expect(res.status).toBe(401);
    expect(errorOf(res)).toEqual({ code: "InvalidAuthenticationToken", message });
    const inner = (res.body as { error: { innerError: Record<string, string> } }).error.innerError;
    expect(Object.keys(inner).sort()).toEqual(["client-request-id", "date", "request-id"]);
  });

  it("refuses application writes without Application.ReadWrite.All", async () => {
    const { call, tenantId, tenant } = setup();
    const res = await call("POST", "/applications", { displayName: "X" }, { token: tokenFor(tenantId, { scp: "Application.Read.All User.Read" }) });
    expect(res.status).toBe(403);
    expect(errorOf(res)).toEqual({ code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." });
    expect(tenant.applications()).toHaveLength(0);
  });

  it.each([
    ["app-only without permissions", { roles: [] }, 403],
    ["app-only with Organization.Read.All", { roles: ["Organization.Read.All"] }, 200],
    ["app-only with the Global Reader role", { wids: [RoleTemplateIds.GlobalReader] }, 200],
    ["any signed-in user", { scp: "User.Read" }, 200],
  ])("GET /organization for %s", async (_name, claims, status) => {
    const { call, tenantId, tenant } = setup();
    const res = await call("GET", "/organization", undefined, { token: tokenFor(tenantId, claims) });
    expect(res.status).toBe(status);
    if (status === 200) {
      const org = bodyOf<{ value: { id: string; verifiedDomains: { name: string; isInitial: boolean }[] }[] }>(res).value[0];
      expect(org?.id).toBe(tenantId);
      expect(org?.verifiedDomains[0]).toMatchObject({ name: tenant.initialDomain, isInitial: true });
    }
  });

  it("access review definitions need AccessReview.Read.All", async () => {
    const { call, tenantId } = setup();
    expect((await call("GET", "/identityGovernance/accessReviews/definitions?$top=1", undefined, { token: tokenFor(tenantId, { roles: ["Directory.Read.All"] }) })).status).toBe(403);
    const ok = await call("GET", "/identityGovernance/accessReviews/definitions?$top=1", undefined, { token: tokenFor(tenantId, { roles: ["AccessReview.Read.All"] }) });
    expect(bodyOf(ok)["value"]).toEqual([]);
  });

  it("round-trips claims through unsignedToken / decodeJwtClaims", () => {
    expect(decodeJwtClaims(unsignedToken({ tid: "t", roles: ["a"] }))).toEqual({ tid: "t", roles: ["a"] });
    expect(decodeJwtClaims("garbage")).toBeUndefined();
  });
});

describe("faults", () => {
  it("throttles with the documented 429 body and Retry-After, without applying the write", async () => {
    const { call, tenant } = setup({ throttleRate: 1 });
    const res = await call("POST", "/applications", { displayName: "X" });
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("0.2");
    expect(errorOf(res)).toEqual({ code: "TooManyRequests", message: "Please retry again later." });
    expect(tenant.applications()).toHaveLength(0);
  });

  it("fails with 503 serviceNotAvailable at failRate 1", async () => {
    const { call } = setup({ failRate: 1 });
    const res = await call("GET", "/organization");
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe("serviceNotAvailable");
  });

  it("replays the same fault sequence for the same seed", async () => {
    const statuses = async (): Promise<number[]> => {
      const { call } = setup({ throttleRate: 0.5, seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await call("GET", "/domains")).status);
      return out;
    };
    const first = await statuses();
    expect(first).toContain(429);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });

  it("spends latency on the injected clock, and concurrent requests form one wave", async () => {
    const { call, clock, fake } = setup({ latencyMs: 250 });
    const t0 = clock.now();
    await call("GET", "/organization");
    expect(clock.now() - t0).toBe(250);
    const start = fake.requests.length;
    await Promise.all([call("GET", "/organization"), call("GET", "/domains"), call("GET", "/applications")]);
    await call("GET", "/organization");
    expect(fake.stats(start)).toMatchObject({ requests: 4, writes: 0, roundTrips: 4, sequentialDepth: 2 });
  });
});
