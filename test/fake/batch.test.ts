import { describe, expect, it } from "vitest";
import { bodyOf, errorOf, setup } from "./helpers.js";

interface Inner {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string }; id?: string; displayName?: string };
}

function responses(res: { body?: unknown }): Inner[] {
  return (res.body as { responses: Inner[] }).responses;
}

describe("$batch", () => {
  it("answers every item in shuffled order, correlated by id, with Graph's inner headers", async () => {
    const { call, tenant } = setup();
    for (let i = 0; i < 5; i++) tenant.addApplication({ displayName: `App${i}`, uniqueName: `app-${i}` });
    const requests = Array.from({ length: 5 }, (_, i) => ({ id: String(i + 1), method: "GET", url: `/applications(uniqueName='app-${i}')` }));
    const res = await call("POST", "/$batch", { requests });
    expect(res.status).toBe(200);
    const inner = responses(res);
    expect(inner.map((r) => r.id)).not.toEqual(["1", "2", "3", "4", "5"]);
    expect([...inner.map((r) => r.id)].sort()).toEqual(["1", "2", "3", "4", "5"]);
    for (const r of inner) {
      expect(r.status).toBe(200);
      expect(r.headers).toEqual({ "Content-Type": "application/json" });
      expect(r.body?.displayName).toBe(`App${Number(r.id) - 1}`);
    }
  });

  it("fails dependents of a failed item with 424 and does not run them", async () => {
    const { call, tenant } = setup();
    const res = await call("POST", "/$batch", {
      requests: [
        { id: "1", method: "POST", url: "/applications", headers: { "Content-Type": "application/json" }, body: { notes: "no displayName" } },
        { id: "2", method: "POST", url: "/applications", headers: { "Content-Type": "application/json" }, body: { displayName: "Dependent" }, dependsOn: ["1"] },
        { id: "3", method: "POST", url: "/applications", headers: { "Content-Type": "application/json" }, body: { displayName: "Independent" } },
      ],
    });
    const byId = new Map(responses(res).map((r) => [r.id, r]));
    expect(byId.get("1")?.status).toBe(400);
    expect(byId.get("2")?.status).toBe(424);
    expect(byId.get("3")?.status).toBe(201);
    expect(tenant.applications().map((a) => a.displayName)).toEqual(["Independent"]);
  });

  it.each([
    ["more than 20 items", Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/organization" }))],
    ["duplicate ids", [{ id: "1", method: "GET", url: "/organization" }, { id: "1", method: "GET", url: "/domains" }]],
    ["a missing id", [{ method: "GET", url: "/organization" }]],
    ["a body without Content-Type", [{ id: "1", method: "POST", url: "/applications", body: { displayName: "X" } }]],
  ])("rejects a batch with %s as a whole (400) and runs nothing", async (_name, requests) => {
    const { call, fake, tenant } = setup();
    const before = fake.requests.length;
    const res = await call("POST", "/$batch", { requests });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe("BadRequest");
    expect(fake.requests.length - before).toBe(1);
    expect(tenant.applications()).toHaveLength(0);
  });

  it("throttles items individually: 429 with Retry-After in the inner headers, and no write happens", async () => {
    const { call, fake, tenant } = setup();
    fake.setFaults({ throttleRate: 1, retryAfter: "2.128" });
    const res = await call("POST", "/$batch", {
      requests: [{ id: "a", method: "POST", url: "/applications", headers: { "content-type": "application/json" }, body: { displayName: "X" } }],
    });
    expect(res.status).toBe(200);
    const [item] = responses(res);
    expect(item?.status).toBe(429);
    expect(item?.headers).toEqual({ "Content-Type": "application/json", "Retry-After": "2.128" });
    expect(item?.body?.error?.code).toBe("TooManyRequests");
    expect(tenant.applications()).toHaveLength(0);
  });

  it("logs the envelope and each item; stats count items as requests", async () => {
    const { call, fake } = setup();
    const start = fake.requests.length;
    await call("POST", "/$batch", {
      requests: [
        { id: "1", method: "GET", url: "/organization" },
        { id: "2", method: "POST", url: "/applications", headers: { "Content-Type": "application/json" }, body: { displayName: "X" } },
      ],
    });
    expect(fake.stats(start)).toEqual({ requests: 2, writes: 1, roundTrips: 1, sequentialDepth: 1 });
    expect(fake.requests.slice(start).filter((e) => e.batchIndex === start)).toHaveLength(2);
    expect(bodyOf(await call("GET", "/organization"))).toBeDefined();
    expect(fake.stats(start).sequentialDepth).toBe(2);
  });
});
