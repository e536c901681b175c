/** The end of rotate for people: what was added, retired and kept, the proof, and the connection details. Data in, string out. */
import type { RotateResult } from "../../core/pipeline.js";
import type { VerifyReport } from "../../core/verify.js";
import { connectionLines } from "./apply.js";
import type { Style } from "./style.js";
import { renderVerify } from "./verify.js";
import { printableDeep } from "../../shared/input-text.js";

export function renderRotated(rawResult: RotateResult, s: Style, rawReport: VerifyReport | undefined): string {
  const result = printableDeep(rawResult);
  const report = printableDeep(rawReport);
  const out: string[] = [];
  if (result.simulated) out.push(s.warn("Simulated tenant (local sandbox): these certificates exist only in the sandbox, not in Entra."));
  for (const w of result.warnings) out.push(s.warn(`Warning: ${w}`));
  if (result.results.length === 0) out.push(s.bold("No changes: the app's certificates are already as asked."));
  if (result.added) out.push(s.bold(`Added certificate ${result.added}.`));
  if (report) out.push(renderVerify(report).trimEnd());
  if (result.retired.length > 0) out.push(`Retired (taken off the app, their files in --out deleted): ${result.retired.join(", ")}`);
  for (const t of result.kept) {
    out.push(`Kept on the app until retired: ${t}${report && !report.ok ? " (the new certificate is not verified yet)" : ""}; once nothing signs in with it: entra-onboard rotate --retire ${t}`);
  }
  if (result.connection) out.push(...connectionLines(result.connection, result.plan));
  return `${out.join("\n")}\n`;
}
