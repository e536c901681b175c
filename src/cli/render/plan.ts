/**
 * A plan for people, terraform-style: what each action will create, change or destroy, by name
 * (permission and role names, never bare ids; `--json` carries the ids). A plan the signed-in
 * admin cannot apply says so first. Data in, string out; no I/O.
 */
import type { PlanResult } from "../../core/pipeline.js";
import type { Action, PermissionRef, Plan } from "../../core/types.js";
import { isPrivilegedPermission } from "../../core/privilege.js";
import { count, type Style } from "./style.js";
import { printableDeep } from "../../shared/input-text.js";

const AFTER_APPLY = "(known after apply)";

/** plan (also the destroy plan remove shows), or status (drift wording). */
export type PlanView = "plan" | "status";

const permissionName = (p: PermissionRef) => `${p.resourceName} / ${p.value}`;

/** "key: value" lines under an action, values aligned; a list value continues on its own lines. */
function details(rows: [string, string | string[]][]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const lines: string[] = [];
  for (const [key, value] of rows) {
    const values = typeof value === "string" ? [value] : value.length > 0 ? value : ["none"];
    values.forEach((v, i) => lines.push(`      ${(i === 0 ? `${key}:` : "").padEnd(width)}${v}`));
  }
  return lines;
}

function actionLines(action: Action, plan: Plan, s: Style): string[] {
  switch (action.kind) {
    case "create-resource-service-principal":
      return [s.add(`  + create service principal for ${action.resourceName}`), ...details([["appId", `${action.resourceAppId} (first-party API missing from this tenant)`]])];
    case "create-application":
      return [
        s.add(`  + create application ${action.displayName} (single-tenant)`),
        ...details([
          ["uniqueName", action.uniqueName],
          ["sign-in audience", `${action.signInAudience} (this tenant only)`],
          ["tags", action.tags],
          ["API permissions", action.permissions.map((p) => `${permissionName(p)} (application)`)],
          ["appId", AFTER_APPLY],
        ]),
      ];
    case "adopt-application":
      return [s.change(`  ~ adopt application ${action.appId}`), ...details([["add tag", action.tags.at(-1) ?? ""]])];
    case "update-application":
      return [
        s.change(`  ~ update application ${plan.app.displayName}`),
        ...action.reasons.map((r) => `      ${r}`),
        ...(action.removedPermissions ?? []).map((p) => s.destroy(`  - remove listed API permission ${permissionName(p)} (not in the profile; --prune)`)),
      ];
    case "add-certificate": {
      const context: [string, string][] = [
        ...(action.renews ? ([["renews", `${action.renews.thumbprint}, which ${action.renews.expiry} (it stays until retired)`]] as [string, string][]) : []),
        ...(action.replaces?.length ? ([["takes over from", `${action.replaces.join(", ")} (kept until the new one is verified or retired with --retire)`]] as [string, string][]) : []),
      ];
      return action.source === "generate"
        ? [s.add(`  + add certificate (generated: RSA ${action.keySizeBits}, ${action.validityDays} days, SHA-256)`), ...details([["thumbprint", AFTER_APPLY], ["private key", "written to --out, mode 0600"], ...context])]
        : [s.add(`  + add certificate ${action.thumbprint}`), ...details([["from", action.source === "file" ? (action.path ?? "") : `held in ${action.path}`], ...context])];
    }
    case "create-service-principal":
      return [s.add(`  + create service principal for ${plan.app.displayName}`), ...details([["object id", AFTER_APPLY]])];
    case "grant-app-role":
      return [s.add(`  + grant admin consent: ${permissionName(action)} (application permission)`) + privilegedMark(action, s)];
    case "assign-directory-role":
      return [s.add(`  + assign directory role ${action.roleName} (tenant-wide)`) + privilegedMark(action, s)];
    case "delete-application":
      return [
        s.destroy(`  - delete application ${action.displayName} (appId ${action.appId})`),
        ...details([
          ["service principal", action.cascade.servicePrincipalId ?? "none"],
          ["admin consent", action.cascade.permissions.map(permissionName)],
          ["directory roles", action.cascade.roles.map((r) => r.roleName)],
          ["certificates", action.cascade.certificates],
        ]),
      ];
    case "remove-certificates": {
      const verb = action.retire ? "retire" : "remove";
      const foreign = new Set(action.notAddedByEntraOnboard ?? []);
      return action.thumbprints.map((t) =>
        foreign.has(t) ? s.destroy(`  - ${verb} certificate ${t} `) + s.warn("[NOT added by entra-onboard: named with --retire]") : s.destroy(`  - ${verb} certificate ${t} (added by entra-onboard)`),
      );
    }
    // In a destroy plan: what entra-onboard added to an adopted app; in an apply plan: --prune.
    case "revoke-app-role":
      return [s.destroy(plan.mode === "destroy" ? `  - revoke admin consent: ${permissionName(action)} (granted by entra-onboard)` : `  - remove admin consent: ${permissionName(action)} (not in the profile; --prune)`) + privilegedMark({ privileged: plan.mode === "apply" && isPrivilegedPermission(action) }, s)];
    case "remove-directory-role":
      return [s.destroy(plan.mode === "destroy" ? `  - remove directory role ${action.roleName} (assigned by entra-onboard)` : `  - remove directory role ${action.roleName} (not in the profile; --prune)`)];
    case "untag-application":
      return [
        s.change(`  ~ release application ${action.appId} (adopted: the app itself stays)`),
        ...action.removedTags.map((t) => `      remove tag ${t}`),
        ...action.unlistedPermissions.map((p) => `      stop listing API permission ${permissionName(p)} (listed by entra-onboard)`),
      ];
  }
}

/** A grant beyond read-only access (allowed by --allow-privileged) stands out on its line. */
function privilegedMark(action: { privileged?: boolean | undefined }, s: Style): string {
  return action.privileged ? ` ${s.warn("[PRIVILEGED: more than read access]")}` : "";
}

function appLine(plan: Plan): string {
  const where = `${plan.tenant.displayName || plan.tenant.id} (${plan.tenant.initialDomain}, tenant ${plan.tenant.id})`;
  const state =
    plan.app.state === "absent"
      ? plan.mode === "destroy"
        ? "none created by entra-onboard"
        : "does not exist yet"
      : plan.app.state === "owned"
        ? `appId ${plan.app.appId}`
        : `appId ${plan.app.appId}, not proven to be entra-onboard's (taken over with --adopt)`;
  const owners = plan.app.owners;
  const ownerLine = owners === undefined ? "" : `\n  owners: ${owners === "unreadable" ? "could not be read" : owners.length === 0 ? "none" : owners.map((o) => `${o.name}${OWNER_NOTE[o.standing]}`).join("; ")}`;
  return `Tenant: ${where}\nApp registration '${plan.app.displayName}' (profile ${plan.app.profile}): ${state}${ownerLine}`;
}

const OWNER_NOTE: Readonly<Record<"signed-in-admin" | "privileged" | "unprivileged" | "unverified", string>> = {
  "signed-in-admin": " (you)",
  privileged: " (Global Administrator or Privileged Role Administrator)",
  unprivileged: " (cannot grant these permissions: can take over the app)",
  unverified: " (roles could not be read)",
};

/** The preflight verdict, first thing on the page. */
export function preflightLines(problems: readonly string[], s: Style, mode: Plan["mode"]): string[] {
  if (problems.length === 0) return [];
  const verb = mode === "destroy" ? "remove" : "apply";
  return [
    s.warn(`Preflight would refuse this plan: the signed-in admin cannot ${verb} it (${verb} stops before the first write).`),
    ...problems.map((p) => s.warn(`  ! ${p}`)),
    "  Global Administrator, or Privileged Role Administrator + Cloud Application Administrator, can do every step.",
    "",
  ];
}

export function renderPlan(raw: PlanResult, s: Style, view: PlanView): string {
  const result = printableDeep(raw);
  const { plan } = result;
  const out: string[] = [];
  if (result.simulated) out.push(s.warn("Simulated tenant (local sandbox): nothing here touches a real Entra tenant."));
  out.push(...preflightLines(result.preflight, s, plan.mode));
  out.push(appLine(plan), "");
  if (plan.actions.length > 0) {
    out.push(view === "plan" ? "entra-onboard will:" : "Missing (apply would do this):");
    for (const action of plan.actions) out.push(...actionLines(action, plan, s));
    out.push("");
  }
  if (plan.findings.length > 0) {
    out.push("Drift that apply leaves alone:");
    for (const f of plan.findings) out.push(s.warn(`  ! ${f.message}`));
    out.push("");
  }
  for (const w of plan.warnings) out.push(s.warn(`Warning: ${w}`));
  if (plan.warnings.length > 0) out.push("");
  if (plan.unchanged.length > 0) out.push(`${plan.unchanged.length} unchanged: ${plan.unchanged.join("; ")}`);
  out.push(s.bold(view === "plan" ? planSummary(result) : statusSummary(result)));
  return `${out.join("\n")}\n`;
}

function planSummary(result: PlanResult): string {
  const { plan } = result;
  const notes = differenceNotes(plan.findings.length, plan.warnings.length);
  if (plan.actions.length === 0) {
    if (plan.mode === "destroy") return `No changes: no app registration '${plan.app.displayName}' created by entra-onboard in this tenant, nothing to remove.`;
    return notes ? `No changes to make. ${notes}` : "No changes. The tenant matches the profile.";
  }
  const destroys = plan.actions.filter((a) => ["delete-application", "remove-certificates", "revoke-app-role", "remove-directory-role"].includes(a.kind)).length;
  const changes = plan.actions.filter((a) => a.kind === "update-application" || a.kind === "adopt-application" || a.kind === "untag-application").length;
  const adds = plan.actions.length - destroys - changes;
  const refused = result.preflight.length > 0 ? " The signed-in admin cannot apply it: see the preflight problems at the top." : "";
  return `Plan: ${adds} to add, ${changes} to change, ${destroys} to destroy.${notes ? ` ${notes}` : ""}${refused}`;
}

function statusSummary(result: PlanResult): string {
  const { plan } = result;
  if (result.inSync) return plan.warnings.length > 0 ? `In sync. ${count(plan.warnings.length, "warning")} (see above).` : "In sync.";
  return `Drift: ${plan.actions.length} missing, ${plan.findings.length} not managed by apply.`;
}

/** "1 difference apply leaves alone, 1 warning (see above)." or "" when there is nothing to note. */
export function differenceNotes(findings: number, warnings: number): string {
  const parts = [findings > 0 ? `${count(findings, "difference")} apply leaves alone` : "", warnings > 0 ? count(warnings, "warning") : ""].filter(Boolean);
  return parts.length === 0 ? "" : `${parts.join(", ")} (see above).`;
}
