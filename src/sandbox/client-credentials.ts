/**
 * App-only sign-in with a certificate (client_credentials + client_assertion), the verify step's
 * path: roles come from the app role assignments granted to the client's service principal on the
 * resource, wids from its directory role assignments — read from the tenant at request time.
 */
import { fail } from "./aadsts.js";
import { verifyClientAssertion } from "./client-assertion.js";
import type { DirectoryTenant } from "./directory.js";
import type { JsonObject } from "./jwt.js";
import { parseScopes, type ResourceCatalogue } from "./resources.js";
import type { SandboxSigner } from "./signer.js";
import { appTokenResponse } from "./tokens.js";
import { requireParam } from "./delegated-grants.js";

export interface ClientCredentialsContext {
  signer: SandboxSigner;
  /** Accepted assertion audiences: the token endpoint in its tenant-id and domain forms. */
  audiences: readonly string[];
  catalogue: ResourceCatalogue;
  nowMs: number;
}

export function clientCredentialsGrant(tenant: DirectoryTenant, form: URLSearchParams, ctx: ClientCredentialsContext): JsonObject {
  const clientId = requireParam(form, "client_id");
  verifyClientAssertion({
    tenant,
    clientId,
    assertionType: form.get("client_assertion_type") ?? undefined,
    assertion: form.get("client_assertion") ?? undefined,
    audiences: ctx.audiences,
    nowMs: ctx.nowMs,
  });

  const scopeParam = form.get("scope") ?? "";
  const scopes = scopeParam.split(/\s+/).filter((s) => s.length > 0);
  const only = scopes[0];
  if (scopes.length !== 1 || only === undefined || !only.endsWith("/.default")) {
    fail(400, "invalid_scope", 1002012, `The provided value for scope ${scopeParam} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const { resource, audience } = parseScopes(only, ctx.catalogue, tenant.initialDomain);

  const clientSp = tenant.servicePrincipalByAppId(clientId);
  if (!clientSp) {
    fail(400, "invalid_client", 7000229, `The client application ${clientId} is missing service principal in the tenant ${tenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`);
  }
  if (clientSp.accountEnabled === false) {
    fail(400, "unauthorized_client", 7000112, `Application '${clientId}' is disabled.`);
  }
  const resourceSp = tenant.servicePrincipalByAppId(resource.appId);
  if (!resourceSp) {
    fail(400, "invalid_resource", 500011, `The resource principal named ${audience} was not found in the tenant named ${tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
  }

  const roleValues = new Map(resourceSp.appRoles.map((r) => [r.id, r.value ?? undefined]));
  const roles = new Set<string>();
  for (const a of tenant.appRoleAssignmentsFor(clientSp.id)) {
    if (a.resourceId !== resourceSp.id) continue;
    const value = roleValues.get(a.appRoleId);
    if (value) roles.add(value);
  }
  return appTokenResponse({
    signer: ctx.signer,
    tenant,
    clientId,
    spId: clientSp.id,
    audience,
    roles: [...roles].sort(),
    wids: [...new Set(tenant.directoryRoleTemplateIdsFor(clientSp.id))],
    nowMs: ctx.nowMs,
  });
}
