import { beforeAll, describe, expect, it } from "vitest";
import type { KeyCredentialJson } from "../../src/fake/model.js";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import type { AppManagementPolicySeed } from "../../src/fake/types.js";
import { bodyOf, DAY, errorOf, makeCertificate, setup, tokenFor, type TestCertificate } from "./helpers.js";

const START = Date.parse("2026-01-15T00:00:00Z");
let certA: TestCertificate;
let certB: TestCertificate;
let longCert: TestCertificate;
let threeYears: TestCertificate;
let twoYears: TestCertificate;

beforeAll(async () => {
  certA = await makeCertificate(new Date(START), new Date(START + 300 * DAY), "CN=cert-a");
  certB = await makeCertificate(new Date(START), new Date(START + 300 * DAY), "CN=cert-b");
  longCert = await makeCertificate(new Date(START), new Date(START + 800 * DAY), "CN=long");
  threeYears = await makeCertificate(new Date(START), new Date(Date.parse("2029-01-15T00:00:00Z")), "CN=three-years");
  twoYears = await makeCertificate(new Date(START), new Date(Date.parse("2028-01-15T00:00:00Z")), "CN=two-years");
});

function credential(cert: TestCertificate, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "AsymmetricX509Cert",
    usage: "Verify",
    key: cert.der.toString("base64"),
    startDateTime: cert.notBefore.toISOString(),
    endDateTime: cert.notAfter.toISOString(),
    ...extra,
  };
}

async function withApp(appManagementPolicy?: AppManagementPolicySeed) {
  const ctx = setup({}, appManagementPolicy === undefined ? {} : { appManagementPolicy });
  const app = ctx.tenant.addApplication({ displayName: "Xops-App" });
  const patch = (keyCredentials: unknown[]) => ctx.call("PATCH", `/applications/${app.id}`, { keyCredentials });
  const stored = async (): Promise<KeyCredentialJson[]> => bodyOf<{ keyCredentials: KeyCredentialJson[] }>(await ctx.call("GET", `/applications/${app.id}`)).keyCredentials;
  return { ...ctx, app, patch, stored };
}

describe("keyCredentials", () => {
  it("stores a new certificate with server-assigned keyId and the SHA-1 thumbprint; key is hidden by default", async () => {
    const { patch, stored } = await withApp();
    expect((await patch([credential(certA)])).status).toBe(204);
    const [k] = await stored();
    expect(k).toMatchObject({ type: "AsymmetricX509Cert", usage: "Verify", key: null, customKeyIdentifier: certA.thumbprint });
    expect(k?.keyId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("returns key bytes only for a single-object GET with $select=keyCredentials", async () => {
    const { patch, call, app } = await withApp();
    await patch([credential(certA)]);
    const selected = bodyOf<{ keyCredentials: KeyCredentialJson[] }>(await call("GET", `/applications/${app.id}?$select=keyCredentials`));
    expect(selected.keyCredentials[0]?.key).toBe(certA.der.toString("base64"));
    const list = bodyOf<{ value: { keyCredentials: KeyCredentialJson[] }[] }>(await call("GET", "/applications?$select=keyCredentials"));
    expect(list.value[0]?.keyCredentials[0]?.key).toBeNull();
  });

  it("accepts base64 of PEM text, and the inspector hands out DER bytes", async () => {
    const { patch, tenant, app } = await withApp();
    expect((await patch([credential(certA, { key: Buffer.from(certA.pem).toString("base64") })])).status).toBe(204);
    const [k] = tenant.keyCredentials(app.appId);
    expect(k?.certificateDer?.equals(certA.der)).toBe(true);
    expect(k?.customKeyIdentifier).toBe(certA.thumbprint);
  });

  it("keeps existing entries echoed with key:null and replaces the whole list", async () => {
    const { patch, stored } = await withApp();
    await patch([credential(certA)]);
    const [existing] = await stored();
    expect((await patch([existing, credential(certB)])).status).toBe(204);
    const both = await stored();
    expect(both.map((k) => k.customKeyIdentifier)).toEqual([certA.thumbprint, certB.thumbprint]);
    expect((await patch([both[1]])).status).toBe(204);
    expect((await stored()).map((k) => k.customKeyIdentifier)).toEqual([certB.thumbprint]);
  });

  it("refuses changes to an existing keyId", async () => {
    const { patch, stored } = await withApp();
    await patch([credential(certA)]);
    const [existing] = await stored();
    const res = await patch([{ ...existing, displayName: "renamed" }]);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe(`Update to existing credential with KeyId '${existing?.keyId}' is not allowed.`);
    const swapped = await patch([credential(certB, { keyId: existing?.keyId })]);
    expect(swapped.status).toBe(400);
    expect((await stored())[0]?.customKeyIdentifier).toBe(certA.thumbprint);
  });

  it.each([
    ["end after the certificate's notAfter", () => credential(certA, { endDateTime: new Date(START + 301 * DAY).toISOString() })],
    ["end after a long certificate's notAfter", () => credential(longCert, { endDateTime: new Date(START + 801 * DAY).toISOString() })],
    ["end before start", () => credential(certA, { startDateTime: new Date(START + 10 * DAY).toISOString(), endDateTime: new Date(START + 5 * DAY).toISOString() })],
  ])("rejects %s with KeyCredentialsInvalidEndDate and changes nothing", async (_name, make) => {
    const { patch, stored } = await withApp();
    await patch([credential(certB)]);
    const res = await patch([...(await stored()), make()]);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toEqual({ code: "KeyCredentialsInvalidEndDate", message: "Key credential end date is invalid." });
    expect(await stored()).toHaveLength(1);
  });

  it("requires usage Verify for AsymmetricX509Cert", async () => {
    const { patch } = await withApp();
    const res = await patch([credential(certA, { usage: "Sign" })]);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe('The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify.');
  });

  it("accepts a 3-year certificate with its own dates, whatever the length", async () => {
    const { patch, stored } = await withApp();
    expect((await patch([credential(threeYears)])).status).toBe(204);
    const [k] = await stored();
    expect(Date.parse(k?.startDateTime ?? "")).toBe(threeYears.notBefore.getTime());
    expect(Date.parse(k?.endDateTime ?? "")).toBe(threeYears.notAfter.getTime());
  });

  it("without endDateTime, the credential ends one year after its start (within the certificate)", async () => {
    const { patch, stored } = await withApp();
    await patch([credential(threeYears, { endDateTime: undefined })]);
    expect((await stored())[0]?.endDateTime).toBe("2027-01-15T00:00:00Z");
  });

  it("rejects a start before the certificate's notBefore", async () => {
    const { patch, stored } = await withApp();
    const res = await patch([credential(certA, { startDateTime: new Date(START - DAY).toISOString() })]);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe("KeyCredentialsInvalidStartDate");
    expect(await stored()).toEqual([]);
  });
});

const YEAR_POLICY: AppManagementPolicySeed = {
  isEnabled: true,
  keyCredentials: [{ restrictionType: "asymmetricKeyLifetime", maxLifetime: "P365D", restrictForAppsCreatedAfterDateTime: "2020-01-01T00:00:00Z" }],
};

describe("tenant app management policy", () => {
  it("refuses a 2-year certificate with Graph's policy error and accepts a 300-day one", async () => {
    const { patch, stored } = await withApp(YEAR_POLICY);
    const refused = await patch([credential(twoYears)]);
    expect(refused.status).toBe(400);
    const message = "Credential lifetime exceeds the max value allowed as per assigned policy '00000000-0000-0000-0000-000000000000'.";
    expect(errorOf(refused)).toEqual({ code: "CredentialInvalidLifetimeAsPerAppPolicy", message });
    expect((refused.body as { error: { details: unknown[] } }).error.details).toEqual([{ code: "InvalidKeyEndDate", message, target: "EndDate" }]);
    expect(await stored()).toEqual([]);
    expect((await patch([credential(certA)])).status).toBe(204);
    expect((await stored()).map((k) => k.customKeyIdentifier)).toEqual([certA.thumbprint]);
  });

  it("the 2-year certificate fits when its credential is cut to the policy's length", async () => {
    const { patch, stored } = await withApp(YEAR_POLICY);
    expect((await patch([credential(twoYears, { endDateTime: new Date(START + 365 * DAY).toISOString() })])).status).toBe(204);
    expect(await stored()).toHaveLength(1);
  });

  it.each([
    ["the policy is disabled", { ...YEAR_POLICY, isEnabled: false }],
    ["the restriction is disabled", { isEnabled: true, keyCredentials: [{ ...YEAR_POLICY.keyCredentials?.[0], state: "disabled" }] }],
    ["the app predates restrictForAppsCreatedAfterDateTime", { isEnabled: true, keyCredentials: [{ restrictionType: "asymmetricKeyLifetime", maxLifetime: "P365D", restrictForAppsCreatedAfterDateTime: "2999-01-01T00:00:00Z" }] }],
  ] as Array<[string, AppManagementPolicySeed]>)("does not apply when %s", async (_name, policy) => {
    const { patch } = await withApp(policy);
    expect((await patch([credential(twoYears)])).status).toBe(204);
  });

  it("applies to certificates sent when the app is created, and can be changed at run time", async () => {
    const { call, tenant } = setup();
    tenant.setAppManagementPolicy(YEAR_POLICY);
    const res = await call("POST", "/applications", { displayName: "With cert", keyCredentials: [credential(twoYears)] });
    expect(errorOf(res).code).toBe("CredentialInvalidLifetimeAsPerAppPolicy");
    expect(tenant.applications()).toEqual([]);
    expect(() => tenant.setAppManagementPolicy({ isEnabled: true, keyCredentials: [{ restrictionType: "asymmetricKeyLifetime", maxLifetime: "P1Y" }] })).toThrow(RangeError);
  });

  it("is served at /policies/defaultAppManagementPolicy to callers with Policy.Read.All and a reader role", async () => {
    const { call, tenantId } = setup({}, { appManagementPolicy: YEAR_POLICY });
    const reader = tokenFor(tenantId, { scp: "Policy.Read.All", wids: [RoleTemplateIds.GlobalReader] });
    const res = await call("GET", "/policies/defaultAppManagementPolicy", undefined, { token: reader });
    expect(res.status).toBe(200);
    expect(bodyOf(res)).toMatchObject({
      id: "00000000-0000-0000-0000-000000000000",
      isEnabled: true,
      applicationRestrictions: { passwordCredentials: [], keyCredentials: [{ restrictionType: "asymmetricKeyLifetime", maxLifetime: "P365D", restrictForAppsCreatedAfterDateTime: "2020-01-01T00:00:00Z", state: "enabled" }] },
      servicePrincipalRestrictions: { passwordCredentials: [], keyCredentials: [] },
    });
    expect((await call("GET", "/policies/defaultAppManagementPolicy", undefined, { token: tokenFor(tenantId, { scp: "Policy.Read.All" }) })).status).toBe(403);
    expect((await call("GET", "/policies/defaultAppManagementPolicy", undefined, { token: tokenFor(tenantId, { roles: ["Policy.Read.All"] }) })).status).toBe(200);
    const fresh = setup();
    const defaults = await fresh.call("GET", "/policies/defaultAppManagementPolicy", undefined, { token: tokenFor(fresh.tenantId, { roles: ["Policy.Read.All"] }) });
    expect(bodyOf(defaults)).toMatchObject({ isEnabled: false, applicationRestrictions: { keyCredentials: [] } });
  });

  it("/policies/authorizationPolicy reports whether users can register applications", async () => {
    const { call, tenantId, tenant } = setup({}, { usersCanRegisterApps: false });
    const token = tokenFor(tenantId, { roles: ["Policy.Read.All"] });
    const allowed = async () => (bodyOf(await call("GET", "/policies/authorizationPolicy", undefined, { token }))["defaultUserRolePermissions"] as { allowedToCreateApps: boolean }).allowedToCreateApps;
    expect(await allowed()).toBe(false);
    tenant.setUsersCanRegisterApps(true);
    expect(await allowed()).toBe(true);
  });
});
