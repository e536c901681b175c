/**
 * computePlan is pure: table-driven cases over hand-built observations, no Graph, no msw.
 */
import { describe, expect, it } from "vitest";
import { computePlan } from "../../src/core/plan.js";
import { builtInProfile } from "../../src/core/profiles.js";
import type { DesiredState, ObservedApp, ObservedOwner, ObservedState, OwnersObservation, RecordedOnboarding } from "../../src/core/types.js";
import { legacyUniqueNameFor, uniqueNameFor } from "../../src/core/unique-name.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, ROLE_TEMPLATE } from "../../src/core/well-known.js";
import { ForeignAppError, InputError } from "../../src/shared/errors.js";

const NOW = new Date("2026-06-01T00:00:00Z");
const GRAPH_SP = { id: "sp-graph", appId: GRAPH_APP_ID, displayName: "Microsoft Graph", appRoles: [
  { id: "role-ar", value: "AccessReview.Read.All", allowedMemberTypes: ["Application"], isEnabled: true },
  { id: "role-dir", value: "Directory.Read.All", allowedMemberTypes: ["Application"], isEnabled: true },
  { id: "scope-ar", value: "AccessReview.Read.All", allowedMemberTypes: ["User"], isEnabled: true },
] };
const EXO_SP = { id: "sp-exo", appId: EXCHANGE_APP_ID, displayName: "Office 365 Exchange Online", appRoles: [
  { id: "role-exo", value: "Exchange.ManageAsApp", allowedMemberTypes: ["Application"], isEnabled: true },
] };

const UNIQUE = uniqueNameFor("Xops-App");
const TAG = `entra-onboard:${UNIQUE}`;
const ADMIN: ObservedOwner = { id: "admin-id", kind: "user", name: "Tenant Admin (admin@contoso.onmicrosoft.com)", standing: "signed-in-admin" };
const MEMBER: ObservedOwner = { id: "member-id", kind: "user", name: "Plain Member (member@contoso.onmicrosoft.com)", standing: "unprivileged" };
const ownedBy = (...owners: ObservedOwner[]): OwnersObservation => ({ readable: true, appObjectId: "app-obj", owners });
const recordOf = (overrides: Partial<RecordedOnboarding> = {}): RecordedOnboarding => ({
  appId: "11111111-1111-1111-1111-111111111111", uniqueName: UNIQUE, displayName: "Xops-App", currentCertificate: undefined, certificates: [], certificateDetails: [], permissions: [], roles: [], listedPermissions: [], tags: [], ...overrides,
});

function desired(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    displayName: "Xops-App",
    uniqueName: UNIQUE,
    legacyUniqueName: legacyUniqueNameFor("Xops-App"),
    ownerTag: TAG,
    rename: false,
    profile: builtInProfile("xops"),
    certificate: { mode: "generate", keySizeBits: 2048, validityDays: 365 },
    addCertificate: false,
    adopt: false,
    ...overrides,
  };
}

function app(overrides: Partial<ObservedApp> = {}): ObservedApp {
  return {
    id: "app-obj",
    appId: "11111111-1111-1111-1111-111111111111",
    displayName: "Xops-App",
    uniqueName: UNIQUE,
    tags: [TAG],
    signInAudience: "AzureADMyOrg",
    requiredResourceAccess: [
      { resourceAppId: EXCHANGE_APP_ID, resourceAccess: [{ id: "role-exo", type: "Role" }] },
      { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: "role-ar", type: "Role" }] },
    ],
    keyCredentials: [],
    ...overrides,
  };
}

function observed(overrides: Partial<ObservedState> = {}): ObservedState {
  return {
    tenant: { id: "tid", displayName: "Contoso", initialDomain: "contoso.onmicrosoft.com", domains: ["contoso.onmicrosoft.com"] },
    candidates: [],
    owners: ownedBy(ADMIN),
    record: undefined,
    servicePrincipal: undefined,
    resources: { [GRAPH_APP_ID]: GRAPH_SP, [EXCHANGE_APP_ID]: EXO_SP },
    roleDefinitions: [{ id: ROLE_TEMPLATE.globalReader, templateId: ROLE_TEMPLATE.globalReader, displayName: "Global Reader" }, { id: "sr", templateId: "sr", displayName: "Security Reader" }],
    appRoleAssignments: [],
    roleAssignments: [],
    heldCertificate: undefined,
    ...overrides,
  };
}

const held = {
  der: new Uint8Array(), pem: "", thumbprint: "AB".repeat(20), thumbprintSha256: "", subject: "CN=Xops-App",
  notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z"), cerPath: "/out/certificate.cer", keyPath: "/out/private-key.pem",
};
const key = (thumbprint: string) => ({ keyId: `k-${thumbprint.slice(0, 4)}`, thumbprint, displayName: undefined, type: "AsymmetricX509Cert", usage: "Verify", startDateTime: undefined, endDateTime: undefined, raw: {} });
const converged = () => observed({
  candidates: [app({ keyCredentials: [key(held.thumbprint)] })],
  servicePrincipal: { id: "sp-app", appId: app().appId },
  appRoleAssignments: [{ id: "a1", resourceId: "sp-exo", appRoleId: "role-exo" }, { id: "a2", resourceId: "sp-graph", appRoleId: "role-ar" }],
  roleAssignments: [{ id: "r1", roleDefinitionId: ROLE_TEMPLATE.globalReader, directoryScopeId: "/" }],
  heldCertificate: held,
});

const kinds = (d: DesiredState, o: ObservedState) => computePlan(d, o, NOW).actions.map((a) => a.kind);

describe("computePlan", () => {
  const cases: { reason: string; desired: DesiredState; observed: ObservedState; want: string[] }[] = [
    { reason: "fresh tenant: everything", desired: desired(), observed: observed(), want: ["create-application", "add-certificate", "create-service-principal", "grant-app-role", "grant-app-role", "assign-directory-role"] },
    { reason: "converged: nothing", desired: desired(), observed: converged(), want: [] },
    { reason: "no Exchange SP: create it first", desired: desired(), observed: observed({ resources: { [GRAPH_APP_ID]: GRAPH_SP, [EXCHANGE_APP_ID]: null } }), want: ["create-resource-service-principal", "create-application", "add-certificate", "create-service-principal", "grant-app-role", "grant-app-role", "assign-directory-role"] },
    { reason: "role missing only", desired: desired(), observed: { ...converged(), roleAssignments: [] }, want: ["assign-directory-role"] },
    { reason: "held cert not on app (crash after key write)", desired: desired(), observed: { ...converged(), candidates: [app()] }, want: ["add-certificate"] },
    { reason: "multi-tenant audience gets fixed", desired: desired(), observed: { ...converged(), candidates: [app({ signInAudience: "AzureADMultipleOrgs", keyCredentials: [key(held.thumbprint)] })] }, want: ["update-application"] },
    { reason: "foreign app with --adopt", desired: desired({ adopt: true }), observed: observed({ candidates: [app({ uniqueName: null, tags: [], requiredResourceAccess: [] })] }), want: ["adopt-application", "update-application", "add-certificate", "create-service-principal", "grant-app-role", "grant-app-role", "assign-directory-role"] },
    { reason: "m365 profile asks only for Exchange", desired: desired({ profile: builtInProfile("m365") }), observed: { ...converged(), appRoleAssignments: [] }, want: ["grant-app-role"] },
  ];
  for (const c of cases) {
    it(c.reason, () => {
      expect(kinds(c.desired, c.observed)).toEqual(c.want);
    });
  }

  it("resolves application permissions, never the delegated scope of the same name", () => {
    const grant = computePlan(desired(), observed(), NOW).actions.find((a) => a.kind === "grant-app-role" && a.value === "AccessReview.Read.All");
    expect(grant).toMatchObject({ appRoleId: "role-ar" });
  });

  it("reports extra permissions and roles as findings, without actions to remove them", () => {
    const o = converged();
    o.appRoleAssignments.push({ id: "a3", resourceId: "sp-graph", appRoleId: "role-dir" });
    o.roleAssignments.push({ id: "r2", roleDefinitionId: "sr", directoryScopeId: "/" });
    const plan = computePlan(desired(), o, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.findings.map((f) => f.kind).sort()).toEqual(["extra-permission", "extra-role"]);
    expect(plan.findings.map((f) => f.message).join()).toMatch(/Directory\.Read\.All.*|Security Reader/);
  });

  it("does not add a certificate silently when the app has ones we do not hold", () => {
    const o = { ...converged(), heldCertificate: undefined, candidates: [app({ keyCredentials: [key("CD".repeat(20))] })] };
    const plan = computePlan(desired(), o, NOW);
    expect(plan.actions).toEqual([]);
    expect(plan.findings.map((f) => f.kind)).toEqual(["certificate-not-held"]);
    expect(kinds(desired({ addCertificate: true }), o)).toEqual(["add-certificate"]);
  });

  it("renews a held certificate expiring within 30 days (a new one next to it), naming the date", () => {
    const soon = { ...held, notAfter: new Date("2026-06-20T00:00:00Z") };
    const plan = computePlan(desired(), { ...converged(), heldCertificate: soon }, NOW);
    expect(plan.warnings.join()).toMatch(/expires on 2026-06-20 \(in 19 days\)/);
    expect(plan.actions).toEqual([expect.objectContaining({ kind: "add-certificate", source: "generate", renews: { thumbprint: held.thumbprint, expiry: "expires on 2026-06-20 (in 19 days)" } })]);
    // Outside a shorter window it is in sync.
    expect(computePlan(desired({ expiryWarningDays: 10 }), { ...converged(), heldCertificate: soon }, NOW).actions).toEqual([]);
  });

  it("a recorded certificate whose key is elsewhere (brought) is the connection's: in sync, and an expiring one is a finding", () => {
    const platform = "EF".repeat(20);
    const o = { ...converged(), heldCertificate: undefined, candidates: [app({ keyCredentials: [{ ...key(platform), endDateTime: "2027-06-01T00:00:00Z" }] })] };
    const recorded = recordOf({ certificates: [platform], currentCertificate: platform, certificateDetails: [{ thumbprint: platform, source: "brought", notBefore: "2025-06-01T00:00:00Z", notAfter: "2027-06-01T00:00:00Z" }] });
    const inSync = computePlan(desired(), { ...o, record: recorded }, NOW);
    expect(inSync.actions).toEqual([]);
    expect(inSync.findings).toEqual([]);
    expect(inSync.certificate).toEqual({ state: "present", thumbprint: platform, source: "brought", expires: "2027-06-01T00:00:00.000Z" });
    const expiring = computePlan(desired({ expiryWarningDays: 400 }), { ...o, record: recorded }, NOW);
    expect(expiring.actions).toEqual([]);
    expect(expiring.findings).toEqual([{ kind: "certificate-expiring", message: expect.stringMatching(/^the connection's certificate (EF){20} expires on 2027-06-01 \(in 365 days\): get a new certificate from the platform/) }]);
  });

  it("refuses a foreign same-name app without --adopt, and lists ambiguous ones", () => {
    const foreign = app({ uniqueName: null, tags: [] });
    expect(() => computePlan(desired(), observed({ candidates: [foreign] }), NOW)).toThrow(ForeignAppError);
    expect(() => computePlan(desired(), observed({ candidates: [foreign] }), NOW)).toThrow(/--adopt/);
    const other = app({ id: "o2", appId: "22222222-2222-2222-2222-222222222222", uniqueName: null, tags: [] });
    expect(() => computePlan(desired({ adopt: true }), observed({ candidates: [foreign, other] }), NOW)).toThrow(/11111111-1111-1111-1111-111111111111, 22222222/);
    expect(kinds(desired({ adopt: true, appId: other.appId }), observed({ candidates: [foreign, other] }))[0]).toBe("adopt-application");
  });

  it("names the closest matches for an unknown permission or role", () => {
    const profile = { name: "custom", permissions: [{ resourceName: "Microsoft Graph", resourceAppId: GRAPH_APP_ID, value: "AccessReview.Read" }], roles: [] };
    expect(() => computePlan(desired({ profile }), observed(), NOW)).toThrow(InputError);
    expect(() => computePlan(desired({ profile }), observed(), NOW)).toThrow(/Closest matches: 'AccessReview.Read.All'/);
    const roles = { name: "custom", permissions: [], roles: ["Global Raeder"] };
    expect(() => computePlan(desired({ profile: roles }), observed(), NOW)).toThrow(/Closest matches: 'Global Reader'/);
  });

  it("a new app lists its API permissions by name, with the ids alongside", () => {
    const create = computePlan(desired(), observed(), NOW).actions.find((a) => a.kind === "create-application");
    expect(create?.kind === "create-application" && create.permissions).toEqual([
      { resourceName: "Office 365 Exchange Online", resourceAppId: EXCHANGE_APP_ID, value: "Exchange.ManageAsApp", appRoleId: "role-exo" },
      { resourceName: "Microsoft Graph", resourceAppId: GRAPH_APP_ID, value: "AccessReview.Read.All", appRoleId: "role-ar" },
    ]);
  });

  it("an app missing a permission entry gets it added, described by name not id", () => {
    const o = { ...converged(), candidates: [app({ keyCredentials: [key(held.thumbprint)], requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: "role-ar", type: "Role" }] }] })] };
    const update = computePlan(desired(), o, NOW).actions.find((a) => a.kind === "update-application");
    expect(update?.kind === "update-application" && update.reasons).toEqual(["list API permission Office 365 Exchange Online / Exchange.ManageAsApp"]);
    expect(update?.kind === "update-application" && update.addedPermissions.map((p) => p.appRoleId)).toEqual(["role-exo"]);
  });
});

describe("computePlan in destroy mode", () => {
  const destroy = (d: DesiredState, o: ObservedState) => computePlan(d, o, NOW, "destroy");

  it("plans one delete-application naming everything that goes with the app", () => {
    const plan = destroy(desired(), converged());
    expect(plan.mode).toBe("destroy");
    expect(plan.actions).toEqual([
      {
        kind: "delete-application",
        appObjectId: "app-obj",
        appId: "11111111-1111-1111-1111-111111111111",
        displayName: "Xops-App",
        cascade: {
          servicePrincipalId: "sp-app",
          permissions: [
            { resourceName: "Office 365 Exchange Online", resourceAppId: EXCHANGE_APP_ID, value: "Exchange.ManageAsApp", appRoleId: "role-exo" },
            { resourceName: "Microsoft Graph", resourceAppId: GRAPH_APP_ID, value: "AccessReview.Read.All", appRoleId: "role-ar" },
          ],
          roles: [{ roleName: "Global Reader", roleDefinitionId: ROLE_TEMPLATE.globalReader }],
          certificates: [held.thumbprint],
        },
      },
    ]);
    expect(plan.findings).toEqual([]);
  });

  it("nothing to delete when no app of ours exists", () => {
    expect(destroy(desired(), observed()).actions).toEqual([]);
  });

  it("refuses a foreign same-name app, even with --adopt", () => {
    const foreign = app({ uniqueName: null, tags: [] });
    expect(() => destroy(desired(), observed({ candidates: [foreign] }))).toThrow(ForeignAppError);
    expect(() => destroy(desired({ adopt: true }), observed({ candidates: [foreign] }))).toThrow(/Refusing to delete/);
  });

  it("an adopted app (our tag, no entra-onboard uniqueName) is never deleted: without a record only its tag goes", () => {
    const adopted = app({ uniqueName: null, keyCredentials: [key(held.thumbprint)] });
    const plan = destroy(desired(), { ...converged(), candidates: [adopted] });
    expect(plan.actions.map((a) => a.kind)).toEqual(["untag-application"]);
    expect(plan.warnings.join()).toMatch(/does not record what entra-onboard added/);
    expect(plan.unchanged).toEqual(expect.arrayContaining([`certificate ${held.thumbprint}`, "directory role: Global Reader"]));
  });

  it("an adopted app with a record: takes back exactly what entra-onboard added, and keeps the rest", () => {
    const adopted = app({
      uniqueName: null,
      tags: ["made-by-hand", TAG],
      keyCredentials: [key(held.thumbprint), key("CD".repeat(20))],
      requiredResourceAccess: [{ resourceAppId: EXCHANGE_APP_ID, resourceAccess: [{ id: "role-exo", type: "Role" }] }, { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: "role-ar", type: "Role" }] }],
    });
    const record = recordOf({
      certificates: [held.thumbprint],
      permissions: [{ resourceAppId: EXCHANGE_APP_ID, appRoleId: "role-exo" }],
      roles: [ROLE_TEMPLATE.globalReader],
      listedPermissions: [{ resourceAppId: EXCHANGE_APP_ID, appRoleId: "role-exo" }],
      tags: [TAG],
    });
    const plan = destroy(desired(), { ...converged(), candidates: [adopted], record });
    expect(plan.actions).toEqual([
      { kind: "remove-certificates", appObjectId: "app-obj", appId: adopted.appId, thumbprints: [held.thumbprint] },
      { kind: "revoke-app-role", servicePrincipalId: "sp-app", assignmentId: "a1", resourceName: "Office 365 Exchange Online", resourceAppId: EXCHANGE_APP_ID, value: "Exchange.ManageAsApp", appRoleId: "role-exo" },
      { kind: "remove-directory-role", assignmentId: "r1", roleName: "Global Reader", roleDefinitionId: ROLE_TEMPLATE.globalReader },
      {
        kind: "untag-application",
        appObjectId: "app-obj",
        appId: adopted.appId,
        tags: ["made-by-hand"],
        removedTags: [TAG],
        requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: "role-ar", type: "Role" }] }],
        unlistedPermissions: [{ resourceName: "Office 365 Exchange Online", resourceAppId: EXCHANGE_APP_ID, value: "Exchange.ManageAsApp", appRoleId: "role-exo" }],
      },
    ]);
    expect(plan.unchanged.sort()).toEqual(["admin consent: Microsoft Graph / AccessReview.Read.All", `certificate ${"CD".repeat(20)}`]);
  });

  it("refuses an app owned by a plain user, naming the owner; --adopt takes back only entra-onboard's part", () => {
    const planted = observed({ candidates: [app()], owners: ownedBy(MEMBER) });
    expect(() => destroy(desired(), planted)).toThrow(/Plain Member \(member@contoso.onmicrosoft.com\)/);
    expect(destroy(desired({ adopt: true }), planted).actions.map((a) => a.kind)).toEqual(["untag-application"]);
  });
});

describe("computePlan: proof of ownership", () => {
  it("our uniqueName and tag are not proof: an app owned by a plain user is refused, and the refusal names the owner", () => {
    const o = observed({ candidates: [app()], owners: ownedBy(ADMIN, MEMBER) });
    expect(() => computePlan(desired(), o, NOW)).toThrow(ForeignAppError);
    expect(() => computePlan(desired(), o, NOW)).toThrow(/owners include Plain Member \(member@contoso.onmicrosoft.com\), a user without Global Administrator or Privileged Role Administrator/);
  });

  it("a connection.json record does not outweigh an untrusted owner", () => {
    const o = observed({ candidates: [app()], owners: ownedBy(MEMBER), record: recordOf() });
    expect(() => computePlan(desired(), o, NOW)).toThrow(/--adopt/);
  });

  it("--adopt takes it over anyway, with a warning that names who can then sign in as the app", () => {
    const plan = computePlan(desired({ adopt: true }), observed({ candidates: [app()], owners: ownedBy(MEMBER) }), NOW);
    expect(plan.app.state).toBe("adoptable");
    expect(plan.actions.map((a) => a.kind)).not.toContain("adopt-application"); // already tagged
    expect(plan.warnings.join()).toMatch(/--adopt takes over app .* Plain Member/);
  });

  it("a privileged owner other than the signed-in admin is accepted", () => {
    const other: ObservedOwner = { ...MEMBER, name: "Other Admin", standing: "privileged" };
    expect(computePlan(desired(), observed({ candidates: [app()], owners: ownedBy(other) }), NOW).app.state).toBe("owned");
  });

  it("no owners, or owners Graph will not list: only connection.json proves it (and the plan says so)", () => {
    const none = observed({ candidates: [app()], owners: ownedBy() });
    expect(() => computePlan(desired(), none, NOW)).toThrow(/has no owners/);
    expect(computePlan(desired(), { ...none, record: recordOf() }, NOW).app.state).toBe("owned");
    const unreadable = observed({ candidates: [app()], owners: { readable: false, appObjectId: "app-obj", reason: "Graph did not serve GET /applications/{id}/owners" } });
    expect(() => computePlan(desired(), unreadable, NOW)).toThrow(/owners could not be read/);
    const judged = computePlan(desired(), { ...unreadable, record: recordOf() }, NOW);
    expect(judged.app.state).toBe("owned");
    expect(judged.app.owners).toBe("unreadable");
    expect(judged.warnings.join()).toMatch(/owners could not be read .* judged by connection.json/);
  });

  it("an app with the old uniqueName counts only when connection.json records it", () => {
    const legacy = app({ uniqueName: legacyUniqueNameFor("Xops-App"), tags: ["entra-onboard:entra-onboard-xops-app"] });
    expect(() => computePlan(desired(), observed({ candidates: [legacy] }), NOW)).toThrow(/neither entra-onboard's uniqueName nor its tag/);
    expect(computePlan(desired(), observed({ candidates: [legacy], record: recordOf() }), NOW).app.state).toBe("owned");
  });

  it("another display name is a question: a finding without --rename, a rename with it", () => {
    const renamed = observed({ candidates: [app({ displayName: "Xops Portal Name" })], record: recordOf() });
    const asked = computePlan(desired(), renamed, NOW);
    expect(asked.actions.map((a) => a.kind)).not.toContain("update-application");
    expect(asked.findings).toEqual([expect.objectContaining({ kind: "name-differs", message: expect.stringMatching(/named 'Xops Portal Name', not 'Xops-App'.*--rename.*--name 'Xops Portal Name'/) })]);
    const update = computePlan(desired({ rename: true }), renamed, NOW).actions.find((a) => a.kind === "update-application");
    expect(update?.kind === "update-application" && update.changes.displayName).toBe("Xops-App");
  });

  it("--app-id naming another app than the one connection.json records, while that one exists, is refused", () => {
    const other = app({ id: "o2", appId: "22222222-2222-2222-2222-222222222222" });
    const o = observed({ candidates: [app(), other], record: recordOf() });
    expect(() => computePlan(desired({ appId: other.appId, adopt: true }), o, NOW)).toThrow(/--out holds the connection of app 11111111.*not of app 22222222/);
  });

  it("a record of another name whose app is gone is refused; of the same name it is reused (a stale record)", () => {
    const gone = recordOf({ uniqueName: uniqueNameFor("Other App"), displayName: "Other App" });
    expect(() => computePlan(desired(), observed({ record: gone }), NOW)).toThrow(/--out holds the connection of 'Other App' \(app 11111111.*no longer in this tenant\), not of 'Xops-App'/);
    expect(computePlan(desired(), observed({ record: recordOf() }), NOW).actions[0]?.kind).toBe("create-application");
  });
});
