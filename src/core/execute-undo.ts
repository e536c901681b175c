/**
 * The steps of remove for an adopted app: take back certificates, consents, directory roles and
 * the tag entra-onboard added, one function per action kind. Each is idempotent: already gone is
 * what was wanted.
 */
import { currentKeyCredentials, KEY_CREDENTIAL_ATTEMPTS, keyCredentialsBackoffMs, keyCredentialsRaced, type StepDeps } from "./execute-steps.js";
import { thumbprintFromCustomKeyIdentifier } from "./parse.js";
import { writes } from "./requests.js";
import type { Action, ActionResult } from "./types.js";

type Of<K extends Action["kind"]> = Extract<Action, { kind: K }>;

function thumbprintOf(entry: Record<string, unknown>): string | undefined {
  const custom = entry["customKeyIdentifier"];
  return typeof custom === "string" ? thumbprintFromCustomKeyIdentifier(custom) : undefined;
}

export const undoSteps = {
  async removeCertificates(action: Of<"remove-certificates">, deps: StepDeps): Promise<ActionResult> {
    const wanted = new Set(action.thumbprints.map((t) => t.toUpperCase()));
    let listed = deps.context.app?.keyCredentials ?? (await currentKeyCredentials(deps, action.appId));
    // The list is replaced whole: a concurrent writer can change it under us, as for adding one.
    for (let attempt = 1; ; attempt++) {
      const remaining = listed.filter((k) => !wanted.has(thumbprintOf(k) ?? ""));
      if (remaining.length === listed.length) return { action, outcome: "already-gone", detail: action.thumbprints.join(", ") };
      try {
        await deps.graph.send(writes.removeKeyCredentials(action.appObjectId, action.appId, action.thumbprints, remaining));
        return { action, outcome: "deleted", detail: action.thumbprints.join(", ") };
      } catch (error) {
        if (!keyCredentialsRaced(error) || attempt >= KEY_CREDENTIAL_ATTEMPTS) throw error;
        await deps.clock.sleep(keyCredentialsBackoffMs(attempt));
        listed = await currentKeyCredentials(deps, action.appId);
      }
    }
  },

  async revokeAppRole(action: Of<"revoke-app-role">, deps: StepDeps): Promise<ActionResult> {
    const label = `${action.resourceName} / ${action.value}`;
    const response = await deps.graph.send(writes.revokeAppRole(action.servicePrincipalId, action.assignmentId, label));
    // apply --prune keeps connection.json's record of what entra-onboard added true (remove has no record).
    if (action.appRoleId) await deps.record?.forget({ permissions: [{ resourceAppId: action.resourceAppId, appRoleId: action.appRoleId }] });
    return { action, outcome: response.status === 404 ? "already-gone" : "deleted", detail: label };
  },

  async removeDirectoryRole(action: Of<"remove-directory-role">, deps: StepDeps): Promise<ActionResult> {
    const response = await deps.graph.send(writes.removeDirectoryRole(action.assignmentId, action.roleName));
    await deps.record?.forget({ roles: [action.roleDefinitionId] });
    return { action, outcome: response.status === 404 ? "already-gone" : "deleted", detail: action.roleName };
  },

  async untagApplication(action: Of<"untag-application">, deps: StepDeps): Promise<ActionResult> {
    await deps.graph.send(writes.untagApplication(action.appObjectId, action.appId, { tags: action.tags, requiredResourceAccess: action.requiredResourceAccess }));
    return { action, outcome: "updated", detail: [...action.removedTags.map((t) => `tag ${t}`), ...action.unlistedPermissions.map((p) => `${p.resourceName} / ${p.value}`)].join(", ") };
  },
};
