/** Pipeline events as progress lines on stderr (through the logger), one per action. */
import type { Logger } from "pino";
import type { PipelineEvent } from "../../core/pipeline.js";
import type { Action } from "../../core/types.js";

export function logEvent(event: PipelineEvent, logger: Logger): void {
  switch (event.type) {
    case "phase":
      logger.info(event.message);
      break;
    case "warning":
      logger.warn(event.message);
      break;
    case "action-started":
      logger.debug({ kind: event.action.kind }, `starting: ${describeActionShort(event.action)}`);
      break;
    case "action-done": {
      const outcome = event.result.outcome;
      const word = outcome === "already-existed" ? "already there" : outcome === "already-gone" ? "already gone" : outcome;
      logger.info(`${word}: ${describeActionShort(event.result.action)} (${event.result.detail})`);
      break;
    }
    case "action-failed":
      logger.error(`failed: ${describeActionShort(event.action)}`);
      break;
  }
}

export function describeActionShort(action: Action): string {
  switch (action.kind) {
    case "create-resource-service-principal":
      return `service principal for ${action.resourceName}`;
    case "create-application":
      return `application ${action.displayName}`;
    case "adopt-application":
      return `adopt application ${action.appId}`;
    case "update-application":
      return "update application";
    case "add-certificate":
      return "certificate";
    case "create-service-principal":
      return "service principal for the app";
    case "grant-app-role":
      return `admin consent ${action.resourceName} / ${action.value}`;
    case "assign-directory-role":
      return `directory role ${action.roleName}`;
    case "delete-application":
      return `application ${action.displayName}`;
    case "remove-certificates":
      return `certificate${action.thumbprints.length === 1 ? "" : "s"} ${action.thumbprints.join(", ")}`;
    case "revoke-app-role":
      return `admin consent ${action.resourceName} / ${action.value}`;
    case "remove-directory-role":
      return `directory role ${action.roleName}`;
    case "untag-application":
      return `entra-onboard's tag on application ${action.appId}`;
  }
}
