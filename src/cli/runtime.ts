/**
 * Shared plumbing for the commands that talk to a tenant: logger, sign-in, the Graph door and the
 * translation of pipeline events into progress lines on stderr. Loaded only by those commands.
 */
import type { Logger } from "pino";
import { defaultAuthMethod, type AuthMethod } from "../auth/sign-in.js";
import { connect as connectSession } from "../connect.js";
import type { OnboardOptions, PipelineEvent } from "../core/pipeline.js";
import type { Session } from "../core/session.js";
import type { Action } from "../core/types.js";
import { realClock, type Clock } from "../shared/clock.js";
import { InputError } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import type { CliContext } from "./context.js";

export interface CommonArgs {
  tenant?: string | undefined;
  auth?: AuthMethod | undefined;
  clientId?: string | undefined;
  graphUrl?: string | undefined;
  tokenCache?: boolean | undefined;
  json: boolean;
  verbose: boolean;
  logFormat?: "json" | "pretty" | undefined;
  name: string;
  profile: string;
  appId?: string | undefined;
  adopt: boolean;
  out?: string | undefined;
  certificate?: string | undefined;
  addCertificate?: boolean | undefined;
  keySize?: 2048 | 3072 | 4096 | undefined;
  validityDays?: number | undefined;
}

/** Where to sign in and which Graph to call; the sandbox supplies its own. */
export interface Endpoint {
  graphUrl: string;
  authorityHost?: string | undefined;
  ca?: string | undefined;
  simulated: boolean;
  /** The tenant to sign in to when --tenant is not given (the sandbox's first tenant). */
  defaultTenant?: string | undefined;
  /** A sign-in authority that exists for this run only (the in-process sandbox): keep no sign-in. */
  throwawayAuthority?: boolean | undefined;
}

export async function loggerFor(args: Pick<CommonArgs, "verbose" | "logFormat">, ctx: CliContext): Promise<Logger> {
  const format = args.logFormat ?? (ctx.isInteractive ? "pretty" : "json");
  return createLogger({ verbose: args.verbose, format, write: ctx.stderr, color: ctx.isInteractive && !ctx.env.NO_COLOR });
}

export function endpointFromArgs(args: Pick<CommonArgs, "graphUrl">, ctx: CliContext): Endpoint {
  const graphUrl = args.graphUrl ?? ctx.env.ENTRA_ONBOARD_GRAPH_URL ?? "https://graph.microsoft.com";
  let parsed: URL;
  try {
    parsed = new URL(graphUrl);
  } catch {
    throw new InputError(`--graph-url '${graphUrl}' is not a URL; use e.g. https://graph.microsoft.com or http://127.0.0.1:4010.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new InputError(`--graph-url must be http(s), got '${graphUrl}'.`);
  return { graphUrl: graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, ""), simulated: false };
}

export async function connect(args: CommonArgs, ctx: CliContext, logger: Logger, endpoint: Endpoint, clock: Clock = realClock()): Promise<Session> {
  const method = args.auth ?? (endpoint.simulated ? "device-code" : defaultAuthMethod(ctx.env));
  const tokenCache = args.tokenCache !== false && !endpoint.throwawayAuthority;
  logger.debug({ method, graphUrl: endpoint.graphUrl, tokenCache }, "signing in");
  const session = await connectSession({
    method,
    tenant: args.tenant ?? endpoint.defaultTenant,
    clientId: args.clientId,
    graphUrl: endpoint.graphUrl,
    authorityHost: endpoint.authorityHost,
    ca: endpoint.ca,
    env: ctx.env,
    onDeviceCode: (message) => ctx.stderr(`${message}\n`),
    tokenCache,
    onTokenCache: (status) => logger.info(status.message),
    onCacheNote: (note) => logger.debug(`token cache: ${note}`),
    onRetry: (e) => logger.info({ operation: e.operation, attempt: e.attempt }, `waiting ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}`),
    log: (entry) => logger.debug(entry, "graph"),
    clock,
    simulated: endpoint.simulated,
  });
  logger.info(`signed in to tenant ${session.tenantId}${endpoint.simulated ? " (simulated sandbox tenant)" : ""}`);
  return session;
}

export function onboardOptions(args: CommonArgs, logger: Logger): OnboardOptions {
  return {
    name: args.name,
    profile: args.profile,
    certificate: args.certificate,
    addCertificate: args.addCertificate,
    keySize: args.keySize,
    validityDays: args.validityDays,
    adopt: args.adopt,
    appId: args.appId,
    outDir: args.out,
    tenant: args.tenant,
    onEvent: (event) => logEvent(event, logger),
  };
}

function logEvent(event: PipelineEvent, logger: Logger): void {
  switch (event.type) {
    case "phase":
      logger.info(event.message);
      break;
    case "action-started":
      logger.debug({ kind: event.action.kind }, `starting: ${describeActionShort(event.action)}`);
      break;
    case "action-done":
      logger.info(`${event.result.outcome === "already-existed" ? "already there" : event.result.outcome}: ${describeActionShort(event.result.action)} (${event.result.detail})`);
      break;
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
  }
}
