/**
 * Token requests shaped like each kind of client, sent by hand to a running sandbox: RFC 8628 polling
 * without `scope` (MSAL Python, openid-client), `.default` for Graph and for ARM (Azure CLI, Azure
 * PowerShell, Graph PowerShell), the v1.0 endpoint with `resource=` (ADAL-era tools), the sandbox's own
 * Graph URL as the resource (a client that treats the sandbox as a cloud), and refresh to another
 * resource. Each Graph token then creates an application, checked in the tenant itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { claimsOf, expectAadsts, RawClient, scp, type RawResponse } from "./raw-client.js";

const GRAPH_CLI_TOOLS = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const AZURE_CLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const AZURE_POWERSHELL = "1950a258-227b-4e31-a9cf-717495945fc2";
const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const ONBOARD_SCOPES = ["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "RoleManagement.ReadWrite.Directory", "User.Read"];

let sandbox: Sandbox;
let raw: RawClient;
let tid: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  raw = new RawClient(sandbox);
  tid = sandbox.tenants[0]!.id;
});
afterAll(async () => {
  await sandbox?.close();
});

/** RFC 8628 §3.1 then §3.4: the token request carries grant_type, device_code and client_id, nothing else. */
async function deviceFlow(clientId: string, scope: string, tokenExtra: Record<string, string> = {}): Promise<RawResponse> {
  const dc = await raw.post(`/${tid}/oauth2/v2.0/devicecode`, { client_id: clientId, scope });
  expect(dc.status, dc.text).toBe(200);
  return raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: DEVICE_CODE, device_code: String(dc.json["device_code"]), client_id: clientId, ...tokenExtra });
}

async function expectGraphWriteWorks(token: unknown): Promise<void> {
  const created = await raw.createApplication(String(token));
  expect(created.status).toBe(201);
  raw.expectApplicationInTenant(tid, created.appId);
}

describe("device authorization grant (RFC 8628)", () => {
  it("remembers the scope of the device authorization request when the token request has none", async () => {
    const scope = `${ONBOARD_SCOPES.map((s) => `https://graph.microsoft.com/${s}`).join(" ")} openid profile offline_access`;
    const tok = await deviceFlow(GRAPH_CLI_TOOLS, scope);
    expect(tok.status, tok.text).toBe(200);
    expect(scp(tok.json["access_token"])).toEqual(ONBOARD_SCOPES);
    expect(String(tok.json["scope"]).split(" ")).toEqual(expect.arrayContaining(ONBOARD_SCOPES.map((s) => `https://graph.microsoft.com/${s}`)));
    await expectGraphWriteWorks(tok.json["access_token"]);
  });

  it("lets the token request narrow the scope but never widen it", async () => {
    const approved = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/User.Read";
    const narrowed = await deviceFlow(GRAPH_CLI_TOOLS, approved, { scope: "https://graph.microsoft.com/User.Read openid" });
    expect(scp(narrowed.json["access_token"])).toEqual(["User.Read"]);
    const widened = await deviceFlow(GRAPH_CLI_TOOLS, approved, { scope: "https://graph.microsoft.com/RoleManagement.ReadWrite.Directory" });
    expectAadsts(widened, 400, "invalid_scope", 70011);
  });

  it("words the message as Entra does, then says the tenant is simulated", async () => {
    const dc = await raw.post(`/${tid}/oauth2/v2.0/devicecode`, { client_id: GRAPH_CLI_TOOLS, scope: "User.Read" });
    const code = String(dc.json["user_code"]);
    expect(String(dc.json["message"])).toMatch(new RegExp(`^To sign in, use a web browser to open the page ${sandbox.url}/devicelogin and enter the code ${code} to authenticate\\. \\(.*SIMULATED`));
    expect(dc.json).toMatchObject({ verification_uri: `${sandbox.url}/devicelogin`, expires_in: 900 });
  });
});

describe("/.default", () => {
  it("Graph: the consented set of Microsoft Graph Command Line Tools, listed in scp and in the response's scope", async () => {
    const tok = await deviceFlow(GRAPH_CLI_TOOLS, "https://graph.microsoft.com/.default openid offline_access");
    expect(scp(tok.json["access_token"])).toEqual(expect.arrayContaining(ONBOARD_SCOPES));
    expect(String(tok.json["scope"]).split(" ")).toEqual(expect.arrayContaining(["https://graph.microsoft.com/Application.ReadWrite.All", "https://graph.microsoft.com/.default"]));
    expect(claimsOf(tok.json["access_token"])["aud"]).toBe("https://graph.microsoft.com");
    await expectGraphWriteWorks(tok.json["access_token"]);
  });

  it("Azure CLI: its pre-authorized Graph set, which lacks RoleManagement.ReadWrite.Directory; asking for it is AADSTS65002", async () => {
    const tok = await deviceFlow(AZURE_CLI, "https://graph.microsoft.com/.default offline_access openid profile");
    const scopes = scp(tok.json["access_token"]);
    expect(scopes).toEqual(expect.arrayContaining(["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "Directory.AccessAsUser.All"]));
    expect(scopes).not.toContain("RoleManagement.ReadWrite.Directory");
    await expectGraphWriteWorks(tok.json["access_token"]);
    expectAadsts(await deviceFlow(AZURE_CLI, "https://graph.microsoft.com/RoleManagement.ReadWrite.Directory"), 400, "invalid_request", 65002);
  });

  it.each([
    ["https://management.core.windows.net//.default", "https://management.core.windows.net/"],
    ["https://management.azure.com/.default", "https://management.azure.com/"],
    ["797f4846-ba00-4fd7-ba43-dac1f8f63013/.default", "797f4846-ba00-4fd7-ba43-dac1f8f63013"],
  ])("Azure Resource Manager (%s) for Azure CLI and Azure PowerShell, with the audience as named", async (scope, aud) => {
    for (const client of [AZURE_CLI, AZURE_POWERSHELL]) {
      const tok = await deviceFlow(client, `${scope} offline_access openid profile`);
      expect(tok.status, tok.text).toBe(200);
      expect(claimsOf(tok.json["access_token"])).toMatchObject({ aud, scp: "user_impersonation", tid, appid: client });
      // An ARM token is not a Graph token.
      expect((await raw.createApplication(String(tok.json["access_token"]))).status).toBe(401);
    }
  });

  it("any other client gets nothing until consented (AADSTS65001), then what the admin consented", async () => {
    const client = "5a1f4b3e-1111-4222-8333-944444444444";
    expectAadsts(await deviceFlow(client, "https://graph.microsoft.com/.default"), 400, "invalid_grant", 65001);
    // Signing in with explicit scopes is where the simulated admin consents to them.
    const consented = await deviceFlow(client, "https://graph.microsoft.com/Application.ReadWrite.All");
    expect(consented.status).toBe(200);
    const tok = await deviceFlow(client, "https://graph.microsoft.com/.default");
    expect(scp(tok.json["access_token"])).toEqual(["Application.ReadWrite.All"]);
    await expectGraphWriteWorks(tok.json["access_token"]);
  });

  it("keeps unknown resources at AADSTS500011 and refuses .default mixed with other scopes of its resource", async () => {
    expectAadsts(await raw.post(`/${tid}/oauth2/v2.0/devicecode`, { client_id: AZURE_CLI, scope: "https://vault.azure.net/.default" }), 400, "invalid_resource", 500011);
    expectAadsts(await raw.post(`/${tid}/oauth2/v2.0/devicecode`, { client_id: AZURE_CLI, scope: "https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read" }), 400, "invalid_scope", 70011);
  });
});

describe("the sandbox as a cloud of its own", () => {
  it("takes its own Graph URL as the Graph resource (aud = that URL), and its Graph accepts that token", async () => {
    const tok = await deviceFlow(GRAPH_CLI_TOOLS, `${sandbox.graphUrl}/.default openid`);
    expect(claimsOf(tok.json["access_token"])["aud"]).toBe(sandbox.graphUrl);
    expect(scp(tok.json["access_token"])).toEqual(expect.arrayContaining(ONBOARD_SCOPES));
    await expectGraphWriteWorks(tok.json["access_token"]);
  });

  it("also accepts Graph tokens for Graph's app id", async () => {
    const tok = await deviceFlow(GRAPH_CLI_TOOLS, "00000003-0000-0000-c000-000000000000/.default");
    expect(claimsOf(tok.json["access_token"])["aud"]).toBe("00000003-0000-0000-c000-000000000000");
    await expectGraphWriteWorks(tok.json["access_token"]);
  });
});

describe("refresh tokens", () => {
  it("get a token for another resource (ARM → Graph for Azure CLI), and without scope the original one", async () => {
    const arm = await deviceFlow(AZURE_CLI, "https://management.core.windows.net//.default offline_access");
    const graph = await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: AZURE_CLI, refresh_token: String(arm.json["refresh_token"]), scope: "https://graph.microsoft.com/.default" });
    expect(claimsOf(graph.json["access_token"])["aud"]).toBe("https://graph.microsoft.com");
    await expectGraphWriteWorks(graph.json["access_token"]);
    const same = await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: AZURE_CLI, refresh_token: String(graph.json["refresh_token"]) });
    expect(claimsOf(same.json["access_token"])["aud"]).toBe("https://graph.microsoft.com");
  });

  it("never consent anything new silently (AADSTS65001)", async () => {
    const client = "6b2f4b3e-1111-4222-8333-955555555555";
    const first = await deviceFlow(client, "https://graph.microsoft.com/User.Read offline_access");
    const more = await raw.post(`/${tid}/oauth2/v2.0/token`, { grant_type: "refresh_token", client_id: client, refresh_token: String(first.json["refresh_token"]), scope: "https://graph.microsoft.com/Application.ReadWrite.All" });
    expectAadsts(more, 400, "invalid_grant", 65001);
  });
});

describe("the v1.0 endpoint (resource=)", () => {
  it("device code and refresh on /oauth2/devicecode and /oauth2/token answer in the v1.0 shape", async () => {
    const dc = await raw.post(`/${tid}/oauth2/devicecode`, { client_id: AZURE_CLI, resource: "https://management.core.windows.net/" });
    expect(dc.json).toMatchObject({ verification_url: `${sandbox.url}/devicelogin`, expires_in: "900" });
    // ADAL sends the device code as `code` with grant_type device_code.
    const tok = await raw.post(`/${tid}/oauth2/token`, { grant_type: "device_code", client_id: AZURE_CLI, code: String(dc.json["device_code"]), resource: "https://management.core.windows.net/" });
    expect(tok.status, tok.text).toBe(200);
    expect(tok.json).toMatchObject({ token_type: "Bearer", resource: "https://management.core.windows.net/", scope: "user_impersonation", expires_in: "3599" });
    expect(Number(tok.json["expires_on"])).toBeGreaterThan(Date.now() / 1000);
    expect(claimsOf(tok.json["id_token"])).toMatchObject({ iss: `https://sts.windows.net/${tid}/`, ver: "1.0" });
    const graph = await raw.post(`/${tid}/oauth2/token`, { grant_type: "refresh_token", client_id: AZURE_CLI, refresh_token: String(tok.json["refresh_token"]), resource: "https://graph.microsoft.com" });
    expect(graph.json).toMatchObject({ resource: "https://graph.microsoft.com" });
    expect(claimsOf(graph.json["access_token"])["aud"]).toBe("https://graph.microsoft.com");
    await expectGraphWriteWorks(graph.json["access_token"]);
  });

  it("with the sandbox's own Graph URL as the resource", async () => {
    const dc = await raw.post(`/${tid}/oauth2/devicecode`, { client_id: GRAPH_CLI_TOOLS, resource: sandbox.graphUrl });
    const tok = await raw.post(`/${tid}/oauth2/token`, { grant_type: "device_code", client_id: GRAPH_CLI_TOOLS, code: String(dc.json["device_code"]), resource: sandbox.graphUrl });
    expect(claimsOf(tok.json["access_token"])["aud"]).toBe(sandbox.graphUrl);
    await expectGraphWriteWorks(tok.json["access_token"]);
  });
});
