/** verify's checks for people: one pass/FAIL line each. Data in, string out. */
import type { VerifyReport } from "../../core/verify.js";
import { printableDeep } from "../../shared/input-text.js";

export function renderVerify(raw: VerifyReport): string {
  const report = printableDeep(raw);
  const lines = report.checks.map((c) => `  ${c.ok ? "pass" : "FAIL"}  ${c.name}: ${c.detail}${!c.ok && c.mayPassLater ? " (may be propagation delay: retry in a few minutes)" : ""}`);
  return `Verify (signed in as the app, ${report.attempts} attempt(s)):\n${lines.join("\n")}\n${report.ok ? "All checks passed." : "Some checks failed."}\n`;
}
