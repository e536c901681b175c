/**
 * What every command that talks to a tenant shares: the logger on stderr, the endpoint (cloud or
 * sandbox), and sign-in. Loaded lazily by the command handlers, never by --help.
 */
import type { Logger } from "pino";
import { defaultAuthMethod } from "../auth/sign-in.js";
import { connect, type ConnectOptions } from "../connect.js";
import type { Session } from "../core/session.js";
import { AppError, InputError } from "../shared/errors.js";
import { createLogger } from "../shared/log.js";
import type { CliContext } from "./context.js";
import { openEndpoint, type Endpoint, type EndpointArgs, type RecordedCloud } from "./endpoint.js";
import type { ArgsOf, connectionOptions, outputOptions } from "./options.js";
import { useColor } from "./render/style.js";

export type LogArgs = Pick<ArgsOf<typeof outputOptions>, "verbose" | "logFormat">;
export type SessionArgs = ArgsOf<typeof connectionOptions> & EndpointArgs;

export interface SignedIn {
  session: Session;
  endpoint: Endpoint;
}

export async function loggerFor(args: LogArgs, ctx: CliContext): Promise<Logger> {
  const format = args.logFormat ?? (ctx.isInteractive ? "pretty" : "json");
  const logger = await createLogger({ verbose: args.verbose, format, write: ctx.stderr, color: useColor(ctx) });
  const debug = leakyDebugSwitches(ctx.env.NODE_DEBUG);
  if (debug.length > 0) {
    logger.warn(`NODE_DEBUG=${debug.join(",")} makes Node print HTTP request options and headers on stderr, including the access token: unset NODE_DEBUG before signing in`);
  }
  return logger;
}

/**
 * Node's debug switches that print a request's headers (the Authorization header among them) on
 * Node 20: http and https for node:http(s) requests (sign-in, the sandbox's TLS client), net for
 * plain-HTTP ones; a wildcard matches them. fetch/undici and http2 print no headers.
 */
function leakyDebugSwitches(value: string | undefined): string[] {
  return (value ?? "").split(/[\s,]+/).filter((name) => /^(https?|net)$/i.test(name) || name.includes("*"));
}

/**
 * connect(), with a hint for a sandbox that plays another cloud: it knows only that cloud's
 * resources, and @azure/identity's device-code flow reports the refusal without Entra's code.
 */
async function connectWithHint(endpoint: Endpoint, options: ConnectOptions): Promise<Session> {
  try {
    return await connect(options);
  } catch (error) {
    const refusedResource = error instanceof AppError && !(error instanceof InputError) && /invalid_grant|invalid_resource|AADSTS500011/.test(error.message);
    if (!endpoint.simulated || !refusedResource) throw error;
    throw new AppError(`${error.message} (a sandbox started with --cloud needs the same --cloud here; this run's is ${endpoint.cloud})`, { cause: error });
  }
}

/**
 * Opens the endpoint, signs in, runs `work`, and always tears the endpoint down afterwards.
 * `recorded`: the cloud --out's connection.json records (read before, with the other --out checks).
 */
/**
 * How the admin signs in at an endpoint, for one tenant (withSession) or a fleet's partner (bulk):
 * the method (device code at the sandbox), where, and the token cache (none for a throwaway sandbox).
 */
export function signInOptions(args: Pick<SessionArgs, "auth" | "clientId" | "tokenCache">, ctx: CliContext, logger: Logger, endpoint: Endpoint) {
  return {
    method: args.auth ?? (endpoint.simulated ? "device-code" : defaultAuthMethod(ctx.env)),
    clientId: args.clientId,
    cloud: endpoint.cloud,
    graphUrl: endpoint.graphUrl,
    authorityHost: endpoint.authorityHost,
    ca: endpoint.ca,
    env: ctx.env,
    onDeviceCode: (message: string) => ctx.stderr(`${message}\n`),
    tokenCache: args.tokenCache !== false && !endpoint.throwawayAuthority,
    onTokenCache: (status: { message: string }) => logger.info(status.message),
    onCacheNote: (note: string) => logger.debug(`token cache: ${note}`),
  } satisfies Partial<ConnectOptions>;
}

export async function withSession<T>(args: SessionArgs, ctx: CliContext, logger: Logger, recorded: RecordedCloud | undefined, work: (signedIn: SignedIn) => Promise<T>): Promise<T> {
  const provider = await openEndpoint(args, ctx, logger, recorded);
  try {
    const { endpoint } = provider;
    const signIn = signInOptions(args, ctx, logger, endpoint);
    logger.debug({ method: signIn.method, cloud: endpoint.cloud, graphUrl: endpoint.graphUrl, tokenCache: signIn.tokenCache }, "signing in");
    const session = await connectWithHint(endpoint, {
      ...signIn,
      tenant: args.tenant ?? endpoint.defaultTenant,
      onRetry: (e) => logger.info({ operation: e.operation, attempt: e.attempt }, `waiting ${(e.delayMs / 1000).toFixed(1)} s: ${e.reason}`),
      log: (entry) => logger.debug(entry, "graph request"),
      simulated: endpoint.simulated,
    });
    logger.info(`signed in to tenant ${session.tenantId}${endpoint.simulated ? " (simulated sandbox tenant)" : ""}`);
    return await work({ session, endpoint });
  } finally {
    await provider.close();
  }
}
