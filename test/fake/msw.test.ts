import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import { unsignedToken } from "../../src/fake/tokens.js";
import { virtualClock } from "../../src/shared/clock.js";
import { graphHandlers } from "../support/msw-graph.js";
import { ADMIN_SCOPES } from "./helpers.js";

const fake = new FakeGraph({ clock: virtualClock() });
const tid = fake.tenantIds()[0] as string;
const server = setupServer(...graphHandlers(fake));
// An admin role: updating an app the caller does not own needs one, as in Entra.
const auth = { authorization: `Bearer ${unsignedToken({ tid, scp: ADMIN_SCOPES, wids: [RoleTemplateIds.GlobalAdministrator] })}` };

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

describe("through msw + fetch", () => {
  it("upserts an app, reads it back, pages with an absolute nextLink", async () => {
    const created = await fetch("https://graph.microsoft.com/v1.0/applications(uniqueName='xops-app')", {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json", prefer: "create-if-missing" },
      body: JSON.stringify({ displayName: "Xops-App", signInAudience: "AzureADMyOrg" }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("content-type")).toBe("application/json");
    const app = (await created.json()) as { appId: string };
    fake.tenant(tid).addApplication({ displayName: "Second" });

    const page1 = await fetch("https://graph.microsoft.com/v1.0/applications?$top=1&$select=appId", { headers: auth });
    const body1 = (await page1.json()) as { value: { appId: string }[]; "@odata.nextLink": string };
    expect(body1.value[0]?.appId).toBe(app.appId);
    const page2 = await fetch(body1["@odata.nextLink"], { headers: auth });
    const body2 = (await page2.json()) as { value: unknown[]; "@odata.nextLink"?: string };
    expect(body2.value).toHaveLength(1);
    expect(body2["@odata.nextLink"]).toBeUndefined();
  });

  it("answers 204 with no body and 400 for a malformed JSON payload", async () => {
    const app = fake.tenant(tid).addApplication({ displayName: "Patch me" });
    const patched = await fetch(`https://graph.microsoft.com/v1.0/applications/${app.id}`, {
      method: "PATCH",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ notes: "hello" }),
    });
    expect(patched.status).toBe(204);
    expect(await patched.text()).toBe("");
    expect(fake.tenant(tid).applicationByAppId(app.appId)?.["notes"]).toBe("hello");
    const bad = await fetch("https://graph.microsoft.com/v1.0/applications", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
  });
});
