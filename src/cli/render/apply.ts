/**
 * The end of apply for people: what was done, what apply left alone, and the connection details
 * the platform's "Link a new Microsoft Account" form asks for. The summary never says the tenant
 * "matches" while anything is reported above it. Data in, string out; no I/O.
 */
import { cloudOf, DEFAULT_CLOUD } from "../../core/clouds.js";
import type { ApplyResult } from "../../core/pipeline.js";
import { differenceNotes } from "./plan.js";
import type { Style } from "./style.js";
import { printableDeep } from "../../shared/input-text.js";

export function renderApply(raw: ApplyResult, s: Style): string {
  const result = printableDeep(raw);
  const { findings, warnings } = result.finalPlan;
  const out: string[] = [];
  if (result.simulated) out.push(s.warn("Simulated tenant (local sandbox): these ids exist only in the sandbox, not in Entra."));
  for (const w of warnings) out.push(s.warn(`Warning: ${w}`));
  if (findings.length > 0) {
    out.push("Drift that apply leaves alone:");
    for (const f of findings) out.push(s.warn(`  ! ${f.message}`));
  }
  out.push(s.bold(summary(result)));
  out.push(...connectionLines({ ...result.connection, cloud: result.cloud }, result.finalPlan));
  return `${out.join("\n")}\n`;
}

/** The values for the platform's form (apply's and rotate's ending), aligned, and where they were saved. */
export function connectionLines(connection: ApplyResult["connection"], finalPlan: ApplyResult["finalPlan"]): string[] {
  const rows: [string, string][] = [
    ["Friendly name", connection.friendlyName],
    ["Tenant ID", connection.tenantId],
    ["Application ID", connection.appId],
    ["Organisation name", connection.organization],
    ...certificateRows({ connection, finalPlan }),
  ];
  // Outside the worldwide cloud the platform must connect there too (Connect-ExchangeOnline -ExchangeEnvironmentName).
  const cloud = cloudOf(connection.cloud);
  if (cloud.name !== DEFAULT_CLOUD) rows.push(["Microsoft cloud", `${cloud.label}: Exchange environment ${cloud.exchangeEnvironmentName}, Graph ${cloud.graph}`]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return [
    "",
    "Connection details for the platform's \"Link a new Microsoft Account\" form:",
    ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${v}`),
    "",
    `Saved to ${connection.connectionFile}`,
  ];
}

/** The connection's certificate: where its files are, or why there is none. */
export function certificateRows(result: Pick<ApplyResult, "connection" | "finalPlan">): [string, string][] {
  const cert = result.connection.certificate;
  if (!cert) {
    return result.finalPlan.certificate.state === "none"
      ? [["Certificate", "none yet (--no-certificate): attach the platform's with entra-onboard apply --certificate <file>"]]
      : [["Certificate", "none held by entra-onboard (see the drift above)"]];
  }
  const rows: [string, string][] = [];
  if (cert.source === "brought") rows.push(["Certificate", `the platform's (brought${cert.cerPath ? ` from ${cert.cerPath}` : ""}); the platform holds its key`]);
  else rows.push(["Certificate (.cer)", cert.cerPath ?? ""]);
  rows.push(["Thumbprint (SHA-1)", cert.thumbprint]);
  if (cert.notAfter) rows.push(["Valid until", `${cert.notAfter.slice(0, 10)} (the credential on the app has the same dates)`]);
  if (cert.keyPath) rows.push(["Private key", `${cert.keyPath} (mode 0600, keep it secret)`]);
  if (cert.pfxPath) rows.push(["PFX", `${cert.pfxPath} (mode 0600, encrypted with your passphrase)`]);
  return rows;
}

function summary(result: ApplyResult): string {
  const notes = differenceNotes(result.finalPlan.findings.length, result.finalPlan.warnings.length);
  if (!result.changed) return notes ? `No changes made. ${notes}` : "No changes: the tenant already matches the profile.";
  const added = result.results.filter((r) => r.outcome === "created" || r.outcome === "already-existed").length;
  const changed = result.results.filter((r) => r.outcome === "updated").length;
  return `Apply complete: ${added} added, ${changed} changed. ${notes || "The tenant now matches the profile."}`;
}
