/**
 * A client the project did not write and that is not built on MSAL: `openid-client` (npm), a generic
 * OpenID Connect / OAuth 2.0 client. It discovers the sandbox from its v2.0 OpenID configuration,
 * runs the device authorization grant exactly as RFC 8628 §3.4 says (the token request has no scope),
 * validates the id_token against the discovered issuer, and refreshes to another resource identifier.
 */
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsFetch } from "../../src/graph/https-fetch.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { claimsOf, RawClient, scp } from "./raw-client.js";

const GRAPH_CLI_TOOLS = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});

describe("openid-client against the sandbox", () => {
  it("device authorization grant: discovery, polling without scope, id_token checks, a Graph write, refresh", async () => {
    const tid = sandbox.tenants[0]!.id;
    const sent: { url: string; body: URLSearchParams }[] = [];
    const caFetch = httpsFetch({ ca: sandbox.caPem });
    // Trust exactly the sandbox CA, and record what the client sends.
    const fetchWithCa: oidc.CustomFetch = async (url, options) => {
      const body = options.body === undefined || options.body === null ? undefined : String(options.body);
      sent.push({ url, body: new URLSearchParams(body ?? "") });
      return caFetch(url, { method: options.method, headers: options.headers, ...(body !== undefined ? { body } : {}) });
    };
    const config = await oidc.discovery(new URL(`${sandbox.url}/${tid}/v2.0`), GRAPH_CLI_TOOLS, undefined, oidc.None(), { [oidc.customFetch]: fetchWithCa });
    config[oidc.customFetch] = fetchWithCa;
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${sandbox.url}/${tid}/oauth2/v2.0/devicecode`);

    const scope = "openid profile offline_access https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/User.Read";
    const device = await oidc.initiateDeviceAuthorization(config, { scope });
    expect(device.verification_uri).toBe(`${sandbox.url}/devicelogin`);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, device);

    const tokenRequest = sent.find((s) => s.url.endsWith("/oauth2/v2.0/token"));
    expect(tokenRequest?.body.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:device_code");
    expect(tokenRequest?.body.has("scope")).toBe(false);
    expect(scp(tokens.access_token)).toEqual(["Application.ReadWrite.All", "User.Read"]);
    expect(tokens.claims()).toMatchObject({ iss: `${sandbox.url}/${tid}/v2.0`, aud: GRAPH_CLI_TOOLS, tid });

    const raw = new RawClient(sandbox);
    const created = await raw.createApplication(tokens.access_token);
    expect(created.status).toBe(201);
    raw.expectApplicationInTenant(tid, created.appId);

    // The same refresh token, now for the sandbox's own Graph URL as the resource.
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? "", { scope: `${sandbox.graphUrl}/.default` });
    expect(claimsOf(refreshed.access_token)["aud"]).toBe(sandbox.graphUrl);
    expect((await raw.createApplication(refreshed.access_token)).status).toBe(201);
  });
});
