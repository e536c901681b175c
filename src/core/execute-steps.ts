/**
 * One function per action kind. Each is idempotent: it treats "already exists" as success and
 * retries the replication-lag answers Graph gives right after the write it depends on.
 */
import { toKeyCredential } from "../cert/key-credential.js";
import type { Graph } from "../graph/types.js";
import { AppError, GraphRequestError, InternalError, UnexpectedResponseError } from "../shared/errors.js";
import type { Clock } from "../shared/clock.js";
import { forgetRefusedCertificate, lifetimeRefusal } from "./certificate-refusal.js";
import { obtainCertificate, type ObtainDeps, type ObtainedCertificate } from "./obtain-certificate.js";
import { parseApplication, parseResourceSp, thumbprintFromCustomKeyIdentifier } from "./parse.js";
import { pollUntil } from "./poll.js";
import { reads, RESOURCE_SP_FIELDS, writes } from "./requests.js";
import type { RunRecord } from "./run-record.js";
import type { Action, ActionResult, DesiredState, ResourceServicePrincipal } from "./types.js";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

/** What earlier steps learned that later steps need: ids of objects created in this run. */
export interface ExecutionContext {
  app: { id: string; appId: string; keyCredentials: Record<string, unknown>[] } | undefined;
  servicePrincipalId: string | undefined;
  resources: Record<string, ResourceServicePrincipal | null>;
  /**
   * The certificate to upload, obtained (generated and written to --out) while stage 1 talks to
   * Graph: RSA key generation takes ~100 ms and would otherwise add a sequential round trip.
   */
  pendingCertificate: Promise<ObtainedCertificate> | undefined;
}

export interface StepDeps {
  graph: Graph;
  clock: Clock;
  desired: DesiredState;
  outDir: string;
  context: ExecutionContext;
  /** connection.json as apply keeps it (undefined for remove). */
  record?: RunRecord | undefined;
}

/** What obtaining the certificate needs of a step's dependencies. */
export function obtainDeps(deps: StepDeps): ObtainDeps {
  return { clock: deps.clock, desired: deps.desired, outDir: deps.outDir, record: deps.record, appKeyCredentials: deps.context.app?.keyCredentials ?? [] };
}

function requireApp(deps: StepDeps): { id: string; appId: string; keyCredentials: Record<string, unknown>[] } {
  if (!deps.context.app) throw new InternalError("the application must exist before this step");
  return deps.context.app;
}

function requireSp(deps: StepDeps): string {
  if (!deps.context.servicePrincipalId) throw new InternalError("the service principal must exist before this step");
  return deps.context.servicePrincipalId;
}

/** Reads a service principal by appId, waiting while replication hides one we were told exists. */
async function findServicePrincipal(deps: StepDeps, appId: string, what: string): Promise<Record<string, unknown>> {
  return pollUntil(deps.clock, `the ${what} service principal to become readable`, async () => {
    const response = await deps.graph.send<Record<string, unknown>>(reads.servicePrincipal(appId, RESOURCE_SP_FIELDS));
    return response.status === 404 ? undefined : response.body;
  });
}

export const steps = {
  async createResourceServicePrincipal(action: Of<"create-resource-service-principal">, deps: StepDeps): Promise<ActionResult> {
    const response = await deps.graph.send<Record<string, unknown>>(writes.createResourceServicePrincipal(action.resourceAppId, action.resourceName));
    const body = response.alreadyExists ? await findServicePrincipal(deps, action.resourceAppId, action.resourceName) : response.body;
    const sp = parseResourceSp(body);
    deps.context.resources[action.resourceAppId] = sp;
    return { action, outcome: response.alreadyExists ? "already-existed" : "created", detail: `service principal ${sp.id}` };
  },

  async createApplication(action: Of<"create-application">, deps: StepDeps): Promise<ActionResult> {
    // Upsert by uniqueName: a re-run, a crashed run or a concurrent run can never make a second app.
    const response = await deps.graph.send<Record<string, unknown>>(writes.upsertApplication(action));
    if (response.status === 201 && response.body) {
      const app = parseApplication(response.body);
      deps.context.app = { id: app.id, appId: app.appId, keyCredentials: app.keyCredentials.map((k) => k.raw) };
      // From here on, connection.json names the app: proof that this run created it.
      await deps.record?.noteApp(app);
      return { action, outcome: "created", detail: `appId ${app.appId}` };
    }
    // 204: an app with our uniqueName was there already: another run of the tool, or someone who
    // planted it. Find it (it may take a moment to become readable); executePlan then stops so the
    // tenant is read and judged again (its owners decide) before anything is granted to it.
    const found = await pollUntil(deps.clock, `application ${action.displayName} to become readable`, async () => {
      const list = await deps.graph.send<{ value?: unknown[] }>(reads.appsByName(action.displayName));
      return (list.body?.value ?? []).map(parseApplication).find((a) => a.uniqueName?.toLowerCase() === action.uniqueName.toLowerCase());
    });
    deps.context.app = { id: found.id, appId: found.appId, keyCredentials: found.keyCredentials.map((k) => k.raw) };
    return { action, outcome: "already-existed", detail: `appId ${found.appId}; reading the tenant again before going on` };
  },

  async adoptApplication(action: Of<"adopt-application">, deps: StepDeps): Promise<ActionResult> {
    await deps.graph.send(writes.tagApplication(action.appObjectId, action.appId, action.tags));
    return { action, outcome: "updated", detail: `tagged ${deps.desired.ownerTag}` };
  },

  async updateApplication(action: Of<"update-application">, deps: StepDeps): Promise<ActionResult> {
    await deps.graph.send(writes.updateApplication(action.appObjectId, deps.desired.displayName, action.changes));
    const removed = (action.removedPermissions ?? []).flatMap((p) => (p.appRoleId ? [{ resourceAppId: p.resourceAppId, appRoleId: p.appRoleId }] : []));
    if (removed.length > 0) await deps.record?.forget({ listedPermissions: removed });
    const unlisted = (action.removedPermissions ?? []).map((p) => `stop listing ${p.resourceName} / ${p.value}`);
    return { action, outcome: "updated", detail: [...action.reasons, ...unlisted].join("; ") };
  },

  async addCertificate(action: Of<"add-certificate">, deps: StepDeps): Promise<ActionResult> {
    const app = requireApp(deps);
    const now = new Date(deps.clock.now());
    const obtained = await (deps.context.pendingCertificate ?? obtainCertificate(action, obtainDeps(deps)));
    const { certificate, files } = obtained;
    // PATCH replaces the whole list: echo every existing entry as Graph listed it, then append ours.
    // A concurrent writer can change the list under us; Graph then refuses the echo (an entry we
    // sent back no longer exists, or differs), so wait for the change to replicate, re-read the
    // list and try again (an immediate re-read can still show the old list).
    const nowCurrent = () =>
      deps.record?.noteCurrentCertificate({
        thumbprint: certificate.thumbprint,
        source: files.keyPath ? "generated" : "brought",
        ...files,
        notBefore: certificate.notBefore.toISOString(),
        notAfter: certificate.notAfter.toISOString(),
      });
    for (let attempt = 1; ; attempt++) {
      const present = app.keyCredentials.some((k) => typeof k.customKeyIdentifier === "string" && thumbprintFromCustomKeyIdentifier(k.customKeyIdentifier) === certificate.thumbprint);
      if (present) {
        await nowCurrent();
        return { action, outcome: "already-existed", detail: `thumbprint ${certificate.thumbprint}` };
      }
      const added = toKeyCredential(certificate, now, `entra-onboard ${certificate.thumbprint.slice(0, 8)}`);
      try {
        await deps.graph.send(writes.setKeyCredentials(app.id, deps.desired.displayName, certificate.thumbprint, app.keyCredentials, added));
        break;
      } catch (error) {
        const refused = lifetimeRefusal(error, certificate, files.keyPath !== undefined);
        if (refused) {
          await forgetRefusedCertificate(obtained, { outDir: deps.outDir, record: deps.record });
          throw refused;
        }
        if (!keyCredentialsRaced(error) || attempt >= KEY_CREDENTIAL_ATTEMPTS) throw error;
        await deps.clock.sleep(keyCredentialsBackoffMs(attempt));
        app.keyCredentials = await currentKeyCredentials(deps, app.appId);
      }
    }
    await nowCurrent();
    return { action, outcome: "created", detail: `thumbprint ${certificate.thumbprint}${files.keyPath ? `, private key ${files.keyPath}` : ""}` };
  },

  async createServicePrincipal(action: Of<"create-service-principal">, deps: StepDeps): Promise<ActionResult> {
    const app = requireApp(deps);
    const response = await deps.graph.send<Record<string, unknown>>(writes.createServicePrincipal(app.appId, deps.desired.displayName));
    const body = response.alreadyExists ? await findServicePrincipal(deps, app.appId, deps.desired.displayName) : response.body;
    const id = typeof body?.id === "string" ? body.id : undefined;
    if (!id) throw new UnexpectedResponseError("a service principal without id");
    deps.context.servicePrincipalId = id;
    return { action, outcome: response.alreadyExists ? "already-existed" : "created", detail: `object id ${id}` };
  },

  async grantAppRole(action: Of<"grant-app-role">, deps: StepDeps): Promise<ActionResult> {
    const principalId = requireSp(deps);
    const resource = deps.context.resources[action.resourceAppId];
    if (!resource) throw new InternalError(`the ${action.resourceName} service principal must exist before granting`);
    // Resolve by value against the resource SP itself (it may have been created in this run).
    const appRoleId = action.appRoleId ?? resource.appRoles.find((r) => r.value === action.value && r.allowedMemberTypes.includes("Application"))?.id;
    if (!appRoleId) throw new AppError(`${action.resourceName} in this tenant has no application permission ${action.value}; check the profile's permission names (entra-onboard plan shows what the tenant offers)`);
    if (!action.appRoleId) await deps.record?.noteIntents({ permissions: [{ resourceAppId: action.resourceAppId, appRoleId }] });
    const response = await deps.graph.send(writes.grantAppRole({ principalId, resourceSpId: resource.id, appRoleId, label: `${action.resourceName} / ${action.value}` }));
    return { action, outcome: response.alreadyExists ? "already-existed" : "created", detail: `${action.resourceName} / ${action.value}` };
  },

  async assignDirectoryRole(action: Of<"assign-directory-role">, deps: StepDeps): Promise<ActionResult> {
    const principalId = requireSp(deps);
    const response = await deps.graph.send(writes.assignDirectoryRole(principalId, action.roleDefinitionId, action.roleName));
    return { action, outcome: response.alreadyExists ? "already-existed" : "created", detail: action.roleName };
  },

  async deleteApplication(action: Of<"delete-application">, deps: StepDeps): Promise<ActionResult> {
    const response = await deps.graph.send(writes.deleteApplication(action.appObjectId, action.appId, action.displayName));
    const gone = response.status === 404;
    return { action, outcome: gone ? "already-gone" : "deleted", detail: `appId ${action.appId}${gone ? " (already gone)" : ", with its service principal"}` };
  },
};

export const KEY_CREDENTIAL_ATTEMPTS = 5;

/** 1, 2, 4, 8 s: long enough for a concurrent writer's list to replicate before it is read again. */
export const keyCredentialsBackoffMs = (attempt: number): number => Math.min(1000 * 2 ** (attempt - 1), 8000);

/** Graph refused a keyCredentials echo because a concurrent writer changed the list under us. */
export function keyCredentialsRaced(error: unknown): boolean {
  return error instanceof GraphRequestError && error.status === 400 && /KeyCredential|credential with KeyId/i.test(error.message);
}

export async function currentKeyCredentials(deps: Pick<StepDeps, "graph">, appId: string): Promise<Record<string, unknown>[]> {
  const response = await deps.graph.send<{ value?: unknown[] }>(reads.appsByAppId(appId));
  const app = response.body?.value?.[0];
  return app ? parseApplication(app).keyCredentials.map((k) => k.raw) : [];
}
