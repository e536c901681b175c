/** The end of remove for people: what was deleted, or why nothing was. Data in, string out. */
import type { RemoveResult } from "../../core/pipeline.js";

export function renderRemoved(result: RemoveResult): string {
  const simulated = result.simulated ? "Simulated tenant (local sandbox): " : "";
  if (!result.removed) return `Nothing to remove: no app registration '${result.plan.app.displayName}' created by entra-onboard in this tenant.\n`;
  return (
    `${simulated}Deleted app registration ${result.plan.app.displayName} (appId ${result.removed.appId}) and its service principal.\n` +
    `Local certificate files in ${result.outDir} were kept; delete them when no longer needed.\n`
  );
}
