/**
 * Issue 9, finding 1: anyone can make an app look like ours. A plain member (no directory role,
 * "Users can register applications" on, as by default) registers an app with entra-onboard's tag,
 * or upserts its uniqueName first, and adds a certificate of their own. The admin's next apply must
 * grant that app nothing, assign it nothing, add no certificate to it, fail, and name the owner.
 */
import { X509Certificate, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { apply, desiredState, plan } from "../../src/core/pipeline.js";
import type { Session } from "../../src/core/session.js";
import { DEFAULT_ADMIN_ID, DEFAULT_MEMBER_ID } from "../../src/fake/users.js";
import { createGraph } from "../../src/graph/graph-client.js";
import type { Graph, GraphRequest } from "../../src/graph/types.js";
import { ForeignAppError } from "../../src/shared/errors.js";
import { createHarness, GRAPH_ROOT, memberToken } from "../support/harness.js";
import { expectXopsConverged, fixture, FOREIGN_THUMBPRINT, type Harness, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

const MEMBER_NAME = "Plain Member (member@contoso.onmicrosoft.com)";

/** The member's own Graph client, through the same door (their token, their rights). */
function memberGraph(h: Harness): Graph {
  return createGraph({ graphUrl: GRAPH_ROOT, getToken: async () => memberToken(h.tenantId), clock: h.clock, random: () => 0.5 });
}

/** The member adds a certificate of their own to the app they own: they could sign in as it. */
async function addMemberCertificate(graph: Graph, objectId: string): Promise<void> {
  const der = new X509Certificate(await readFile(fixture("foreign.pem"))).raw;
  const keyCredentials = [{ type: "AsymmetricX509Cert", usage: "Verify", key: der.toString("base64"), keyId: randomUUID(), displayName: "mine" }];
  await graph.send({ method: "PATCH", url: `/applications/${objectId}`, body: { keyCredentials }, operation: "member adds a certificate" });
}

/** Nothing of the onboarding reached the tenant: no service principal, grant, role assignment, or certificate of ours. */
function expectNothingGranted(h: Harness, appId: string, certificates: string[]): void {
  expect(h.tenant.servicePrincipalByAppId(appId)).toBeUndefined();
  expect(h.tenant.appRoleAssignments()).toEqual([]);
  // The users' own roles are the only role assignments.
  expect(h.tenant.roleAssignments().filter((r) => r.principalId !== DEFAULT_ADMIN_ID && r.principalId !== DEFAULT_MEMBER_ID)).toEqual([]);
  expect(h.tenant.keyCredentials(appId).map((k) => k.customKeyIdentifier?.toUpperCase())).toEqual(certificates);
}

async function refusal(run: Promise<unknown>): Promise<Error> {
  const error = await run.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ForeignAppError);
  return error as Error;
}

describe("an app a plain user made to look like ours", () => {
  it("registered with entra-onboard's tag: plan names the owner, apply grants nothing and fails", async () => {
    const h = createHarness(msw.server);
    const desired = await desiredState({}, new Date(h.clock.now()));
    const member = memberGraph(h);
    const created = await member.send<{ id: string; appId: string }>({
      method: "POST",
      url: "/applications",
      body: { displayName: "Xops-App", tags: [desired.ownerTag] },
      operation: "member registers an app",
    });
    const planted = created.body!;
    await addMemberCertificate(member, planted.id);
    expect(h.tenant.ownerIds(planted.id)).toEqual([DEFAULT_MEMBER_ID]);
    const before = h.fake.requests.length;

    const planned = await refusal(plan(h.session(), { outDir: await dirs.make() }));
    expect(planned.message).toContain(MEMBER_NAME);
    expect(planned.message).toMatch(/add a credential to the app and sign in as it.*--adopt/);
    const applied = await refusal(apply(h.session(), { outDir: await dirs.make() }));
    expect(applied.message).toContain(planted.appId);

    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applications()).toHaveLength(1);
    expectNothingGranted(h, planted.appId, [FOREIGN_THUMBPRINT]);
  });

  it("upserted with our uniqueName under another name first: found before any write, refused", async () => {
    const h = createHarness(msw.server);
    const desired = await desiredState({}, new Date(h.clock.now()));
    const member = memberGraph(h);
    const upserted = await member.send<{ id: string; appId: string }>({
      method: "PATCH",
      url: `/applications(uniqueName='${desired.uniqueName}')`,
      headers: { Prefer: "create-if-missing" },
      body: { displayName: "Harmless Tool" },
      operation: "member upserts our uniqueName",
    });
    const planted = upserted.body!;
    await addMemberCertificate(member, planted.id);
    const before = h.fake.requests.length;

    const error = await refusal(apply(h.session(), { outDir: await dirs.make() }));
    expect(error.message).toContain(MEMBER_NAME);
    expect(h.fake.stats(before).writes).toBe(0);
    expect(h.tenant.applicationByAppId(planted.appId)?.displayName).toBe("Harmless Tool");
    expectNothingGranted(h, planted.appId, [FOREIGN_THUMBPRINT]);
  });

  it("--adopt takes it over when the admin says so, warning who else can sign in as it", async () => {
    const h = createHarness(msw.server);
    const desired = await desiredState({}, new Date(h.clock.now()));
    const planted = h.tenant.addApplication({ displayName: "Xops-App", uniqueName: desired.uniqueName, tags: [desired.ownerTag], owners: [DEFAULT_MEMBER_ID] });
    const planned = await plan(h.session(), { outDir: await dirs.make(), adopt: true });
    expect(planned.plan.app.state).toBe("adoptable");
    expect(planned.plan.app.owners).toEqual([expect.objectContaining({ name: MEMBER_NAME, standing: "unprivileged" })]);
    expect(planned.plan.warnings.join()).toMatch(new RegExp(`--adopt takes over app ${planted.appId} although its owners include Plain Member`));
  });
});

/**
 * A session whose Graph runs `plant` just before the first uniqueName upsert leaves: the app
 * appears between observe (which saw none) and the write (which then finds it: 204).
 */
function plantingBeforeUpsert(session: Session, plant: () => void): Session {
  let planted = false;
  const graph: Graph = {
    send: async <T = unknown>(request: GraphRequest) => {
      if (!planted && request.method === "PATCH" && request.url.startsWith("/applications(uniqueName=")) {
        planted = true;
        plant();
      }
      return session.graph.send<T>(request);
    },
    batch: (requests) => session.graph.batch(requests),
    pages: (first, operation, options) => session.graph.pages(first, operation, options),
  };
  return { ...session, graph };
}

describe("the upsert of a planned 'create' finds the app already there", () => {
  it("planted by a plain user: the run stops, re-plans and refuses it before granting anything", async () => {
    const h = createHarness(msw.server);
    const desired = await desiredState({}, new Date(h.clock.now()));
    let plantedAppId = "";
    const session = plantingBeforeUpsert(h.session(), () => {
      plantedAppId = h.tenant.addApplication({ displayName: "Sneaky", uniqueName: desired.uniqueName, owners: [DEFAULT_MEMBER_ID] }).appId;
    });
    const phases: string[] = [];
    const error = await refusal(apply(session, { outDir: await dirs.make(), onEvent: (e) => e.type === "phase" && phases.push(e.message) }));
    expect(error.message).toContain(MEMBER_NAME);
    expect(phases.join("\n")).toMatch(/already existed .*reading the tenant again/);
    expect(h.tenant.applications()).toHaveLength(1);
    expectNothingGranted(h, plantedAppId, []);
  });

  it("made by another run of the tool (owned by an admin): the run re-plans and converges on that app", async () => {
    const h = createHarness(msw.server, { faults: { lagMs: 1500 } });
    const desired = await desiredState({}, new Date(h.clock.now()));
    let other = "";
    const session = plantingBeforeUpsert(h.session(), () => {
      other = h.tenant.addApplication({ displayName: "Xops-App", uniqueName: desired.uniqueName, tags: [desired.ownerTag], signInAudience: "AzureADMyOrg", owners: [DEFAULT_ADMIN_ID] }).appId;
    });
    const result = await apply(session, { outDir: await dirs.make() });
    const s = expectXopsConverged(h);
    expect(s.appId).toBe(other);
    expect(result.connection.appId).toBe(other);
    expect(result.results.find((r) => r.action.kind === "create-application")?.outcome).toBe("already-existed");
    expect(s.thumbprints).toEqual([result.connection.certificate?.thumbprint]);
  });
});

describe("when owners cannot be read or named", () => {
  /** A Graph that does not serve the owners path (a mock built from the core docs answers 400 to it). */
  function withoutOwners(session: Session): Session {
    const hide = (r: GraphRequest): GraphRequest => (r.url.includes("/owners") ? { ...r, url: r.url.replace("/owners", "/notServed") } : r);
    const graph: Graph = {
      send: (request) => session.graph.send(hide(request)),
      batch: (requests) => session.graph.batch(requests.map(hide)),
      pages: (first, operation, options) => session.graph.pages(first, operation, options),
    };
    return { ...session, graph };
  }

  it("a Graph that does not serve owners: apply works from its --out, the plan says so, and elsewhere the app needs --adopt", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const session = withoutOwners(h.session());
    const result = await apply(session, { outDir: out });
    expectXopsConverged(h);
    expect(result.finalPlan.app.owners).toBe("unreadable");
    expect(result.warnings.join()).toMatch(/owners could not be read .*judged by connection.json/);
    const again = await plan(session, { outDir: out });
    expect(again.inSync).toBe(true);
    expect(again.plan.warnings.join()).toMatch(/owners could not be read/);
    const error = await refusal(plan(session, { outDir: await dirs.make() }));
    expect(error.message).toMatch(/owners could not be read .* connection.json in --out does not record it/);
  });

  it("without User.ReadBasic.All the refusal names the owner by object id", async () => {
    const h = createHarness(msw.server);
    const desired = await desiredState({}, new Date(h.clock.now()));
    h.tenant.addApplication({ displayName: "Xops-App", uniqueName: desired.uniqueName, owners: [DEFAULT_MEMBER_ID] });
    const scopes = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory User.Read";
    const error = await refusal(plan(h.session({ scp: scopes }), { outDir: await dirs.make() }));
    expect(error.message).toContain(`its owners include ${DEFAULT_MEMBER_ID}, a user without Global Administrator`);
  });
});

