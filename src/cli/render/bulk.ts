/**
 * A fleet run for people: one row per tenant (what changes, changed or drifted, or why it failed),
 * then the totals and, when some failed, which and why. Data in, string out; no I/O.
 */
import type { BulkResult } from "../../bulk/run.js";
import type { TenantResult } from "../../bulk/types.js";
import { printable } from "../../shared/input-text.js";
import { count, type Style } from "./style.js";

const WIDTH = { tenant: 36, id: 36 };

/** A cell of the table: control characters escaped first (a name from the file or the tenant must not forge a row). */
function pad(raw: string, width: number): string {
  const text = printable(raw);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

/** The words tenant-run.ts's actionLabel starts a removal with. */
const DESTROYS = ["delete ", "revoke ", "remove ", "release "];

/** "7 to add", "2 to add, 1 to change", "1 to destroy", "no changes". */
export function changeWords(actions: readonly string[]): string {
  if (actions.length === 0) return "no changes";
  const changes = actions.filter((a) => a.startsWith("update ") || a.startsWith("adopt ")).length;
  // --prune's removals (revoke, remove) are destroys, as the single plan counts them.
  const destroys = actions.filter((a) => DESTROYS.some((verb) => a.startsWith(verb))).length;
  const adds = actions.length - changes - destroys;
  return [adds > 0 ? `${adds} to add` : "", changes > 0 ? `${changes} to change` : "", destroys > 0 ? `${destroys} to destroy` : ""].filter(Boolean).join(", ");
}

/** What happened in one tenant, in a few words. */
export function outcomeWords(t: TenantResult, maxError = Number.POSITIVE_INFINITY): string {
  switch (t.status) {
    case "failed": {
      const error = t.error ?? "unknown error";
      return `FAILED: ${error.length > maxError ? `${error.slice(0, maxError - 1)}…` : error}`;
    }
    case "interrupted":
      return "interrupted (run again to finish)";
    case "not-started":
      return "not started";
    case "succeeded":
      break;
  }
  if (t.command === "apply") {
    if (!t.changed) return `in sync, no changes (appId ${t.connection?.appId ?? "?"})`;
    return `${count(t.actions.length, "change")} made (appId ${t.connection?.appId ?? "?"})`;
  }
  if (t.command === "status") return t.inSync ? "in sync" : `drift: ${changeWords(t.actions)}${t.preflight.length > 0 ? " (preflight would refuse apply)" : ""}`;
  return changeWords(t.actions);
}

export function renderBulk(result: BulkResult, s: Style, simulated: boolean): string {
  const out: string[] = [];
  if (simulated) out.push(s.warn("Simulated tenants (local sandbox): nothing here touches a real Entra tenant."));
  out.push(`${pad("TENANT", WIDTH.tenant)}  ${pad("TENANT ID", WIDTH.id)}  RESULT`);
  for (const t of result.tenants) {
    // The table keeps one line per tenant; the failures' full reasons follow it.
    const words = printable(outcomeWords(t, 90));
    const line = `${pad(t.tenant, WIDTH.tenant)}  ${pad(t.tenantId ?? "-", WIDTH.id)}  ${words}`;
    out.push(t.status === "failed" ? s.destroy(line) : t.status === "succeeded" && (t.changed || t.inSync === false) ? s.change(line) : line);
  }
  out.push("", s.bold(summaryLine(result)));
  const failed = result.tenants.filter((t) => t.status === "failed");
  if (failed.length > 0) {
    out.push(s.warn(`Failed (${failed.length}):`));
    for (const t of failed) out.push(s.warn(printable(`  ${where(t)}: ${t.error ?? "unknown error"}`)));
  }
  const unfinished = result.tenants.filter((t) => t.status === "interrupted" || t.status === "not-started");
  if (result.interrupted && unfinished.length > 0) {
    out.push(s.warn(`Interrupted: ${count(unfinished.length, "tenant")} not finished: ${unfinished.map((t) => printable(t.tenant)).join(", ")}. Run the same command again to finish them.`));
  }
  if (result.reportFile) out.push(`Report: ${result.reportFile}`);
  if (result.connectionsFile) out.push(`Connections for the platform's "Link a new Microsoft Account" form: ${result.connectionsFile}`);
  return `${out.join("\n")}\n`;
}

function where(t: TenantResult): string {
  return t.line > 0 ? `${t.tenant} (line ${t.line})` : t.tenant;
}

export function summaryLine(result: BulkResult): string {
  const { summary: n, command } = result;
  const parts = [`${n.succeeded} succeeded`, n.failed > 0 ? `${n.failed} failed` : "", n.interrupted > 0 ? `${n.interrupted} interrupted` : "", n.notStarted > 0 ? `${n.notStarted} not started` : ""].filter(Boolean);
  const what = command === "apply" ? `${n.changed} changed` : command === "plan" ? `${n.changed} with changes` : `${n.changed} drifted`;
  return `bulk ${command}: ${count(n.total, "tenant")}: ${parts.join(", ")}; ${what}.`;
}
