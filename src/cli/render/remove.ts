/** The end of remove for people: what was deleted, or why nothing was. Data in, string out. */
import type { RemoveResult } from "../../core/pipeline.js";
import { printableDeep } from "../../shared/input-text.js";

export function renderRemoved(raw: RemoveResult): string {
  const result = printableDeep(raw);
  const simulated = result.simulated ? "Simulated tenant (local sandbox): " : "";
  if (result.released) {
    const done = result.results.filter((r) => r.outcome === "deleted" || r.outcome === "updated").length;
    return (
      `${simulated}Took back what entra-onboard added to app registration ${result.released.appId} (${done} change${done === 1 ? "" : "s"}); ` +
      "the app itself was kept: entra-onboard adopted it, it did not create it.\n" +
      `connection.json and entra-onboard's key files in ${result.outDir} were deleted.\n`
    );
  }
  if (!result.removed) return `Nothing to remove: no app registration '${result.plan.app.displayName}' created by entra-onboard in this tenant.\n`;
  return (
    `${simulated}Deleted app registration ${result.plan.app.displayName} (appId ${result.removed.appId}) and its service principal.\n` +
    `connection.json and entra-onboard's key files in ${result.outDir} were deleted (their certificate went with the app).\n`
  );
}
