/**
 * Text for people on stdout: the plan (terraform-style), drift, and the connection details the
 * platform's "Link a new Microsoft Account" form asks for. Data in, string out; no I/O.
 */
import type { ApplyResult, PlanResult } from "../core/pipeline.js";
import type { Action, Plan } from "../core/types.js";

const AFTER_APPLY = "(known after apply)";

export interface Style {
  add: (s: string) => string;
  change: (s: string) => string;
  warn: (s: string) => string;
  bold: (s: string) => string;
}

export function styleFor(color: boolean): Style {
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { add: wrap("32"), change: wrap("33"), warn: wrap("33"), bold: wrap("1") };
}

function actionLines(action: Action, plan: Plan, s: Style): string[] {
  switch (action.kind) {
    case "create-resource-service-principal":
      return [s.add(`  + create service principal for ${action.resourceName}`), `      appId: ${action.resourceAppId} (first-party API missing from this tenant)`];
    case "create-application":
      return [
        s.add(`  + create application ${action.displayName} (single-tenant)`),
        `      uniqueName: ${action.uniqueName}`,
        `      appId: ${AFTER_APPLY}`,
      ];
    case "adopt-application":
      return [s.change(`  ~ adopt application ${action.appId} (add tag ${action.tags.at(-1) ?? ""})`)];
    case "update-application":
      return [s.change(`  ~ update application ${plan.app.displayName}`), ...action.reasons.map((r) => `      ${r}`)];
    case "add-certificate":
      return action.source === "generate"
        ? [s.add(`  + add certificate (generated: RSA ${action.keySizeBits}, ${action.validityDays} days, SHA-256)`), `      thumbprint: ${AFTER_APPLY}`]
        : [s.add(`  + add certificate ${action.thumbprint} (${action.source === "file" ? action.path : `held in ${action.path}`})`)];
    case "create-service-principal":
      return [s.add(`  + create service principal for ${plan.app.displayName}`), `      object id: ${AFTER_APPLY}`];
    case "grant-app-role":
      return [s.add(`  + grant admin consent: ${action.resourceName} / ${action.value} (application permission)`)];
    case "assign-directory-role":
      return [s.add(`  + assign directory role ${action.roleName} (tenant-wide)`)];
  }
}

function appLine(plan: Plan): string {
  const where = `${plan.tenant.displayName || plan.tenant.id} (${plan.tenant.initialDomain}, tenant ${plan.tenant.id})`;
  const state =
    plan.app.state === "absent" ? "does not exist yet" : plan.app.state === "owned" ? `appId ${plan.app.appId}` : `appId ${plan.app.appId}, not created by entra-onboard (--adopt)`;
  return `Tenant: ${where}\nApp registration '${plan.app.displayName}' (profile ${plan.app.profile}): ${state}`;
}

export function renderPlan(result: PlanResult, s: Style, mode: "plan" | "status"): string {
  const { plan } = result;
  const out: string[] = [];
  if (result.simulated) out.push(s.warn("Simulated tenant (local sandbox): nothing here touches a real Entra tenant."));
  out.push(appLine(plan), "");
  if (plan.actions.length > 0) {
    out.push(mode === "plan" ? "entra-onboard will:" : "Missing (apply would do this):");
    for (const action of plan.actions) out.push(...actionLines(action, plan, s));
    out.push("");
  }
  if (plan.findings.length > 0) {
    out.push("Drift that apply leaves alone:");
    for (const f of plan.findings) out.push(s.warn(`  ! ${f.message}`));
    out.push("");
  }
  for (const w of [...plan.warnings, ...result.preflight.map((p) => `apply would stop at preflight: ${p}`)]) out.push(s.warn(`Warning: ${w}`));
  if (plan.warnings.length + result.preflight.length > 0) out.push("");
  if (plan.unchanged.length > 0) out.push(`${plan.unchanged.length} unchanged: ${plan.unchanged.join("; ")}`);
  const adds = plan.actions.filter((a) => !["update-application", "adopt-application"].includes(a.kind)).length;
  const changes = plan.actions.length - adds;
  if (mode === "plan") {
    out.push(plan.actions.length === 0 ? s.bold("No changes. The tenant matches the profile.") : s.bold(`Plan: ${adds} to add, ${changes} to change, 0 to destroy.`));
  } else {
    out.push(result.inSync ? s.bold("In sync.") : s.bold(`Drift: ${plan.actions.length} missing, ${plan.findings.length} not managed by apply.`));
  }
  return `${out.join("\n")}\n`;
}

export function renderApply(result: ApplyResult, s: Style): string {
  const c = result.connection;
  const out: string[] = [];
  if (result.simulated) out.push(s.warn("Simulated tenant (local sandbox): these ids exist only in the sandbox, not in Entra."));
  const created = result.results.filter((r) => r.outcome !== "updated").length;
  const updated = result.results.filter((r) => r.outcome === "updated").length;
  out.push(result.changed ? s.bold(`Apply complete: ${created} added, ${updated} changed. The tenant now matches the profile.`) : s.bold("No changes: the tenant already matches the profile."));
  for (const w of result.warnings) out.push(s.warn(`Warning: ${w}`));
  out.push("", "Connection details for the platform's \"Link a new Microsoft Account\" form:");
  const rows: [string, string][] = [
    ["Friendly name", c.friendlyName],
    ["Tenant ID", c.tenantId],
    ["Application ID", c.appId],
    ["Organisation name", c.organization],
  ];
  if (c.certificate) {
    rows.push(["Certificate (.cer)", c.certificate.cerPath ?? ""], ["Thumbprint (SHA-1)", c.certificate.thumbprint]);
    if (c.certificate.keyPath) rows.push(["Private key", `${c.certificate.keyPath} (mode 0600, keep it secret)`]);
  } else {
    rows.push(["Certificate", "none held by entra-onboard (see warnings)"]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [k, v] of rows) out.push(`  ${`${k}:`.padEnd(width)}${v}`);
  out.push("", `Saved to ${c.connectionFile}`);
  return `${out.join("\n")}\n`;
}
