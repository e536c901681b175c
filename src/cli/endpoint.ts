/**
 * Where a command signs in and which Graph it calls: one of Microsoft's clouds (--cloud; any Graph
 * root given with --graph-url replaces only its Graph), or the local sandbox. `--sandbox` starts one
 * in-process for this run (playing --cloud); `--sandbox-url` + `--sandbox-ca` use one started
 * separately with `entra-onboard sandbox` (start it with the same --cloud). Either way the CLI signs
 * in through the real @azure/identity device-code flow, trusting exactly the sandbox's certificate,
 * and names the cloud's resources in its scopes.
 */
import type { Logger } from "pino";
import { cloudOf, cloudOfGraphHost, isCloudName, type CloudName } from "../core/clouds.js";
import { checkGraphDestination, checkSandboxUrl } from "../graph/destination.js";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import type { CliContext } from "./context.js";
import type { ArgsOf, connectionOptions, sandboxOptions } from "./options.js";

export interface Endpoint {
  /** The tenant's cloud: the resource identifiers scopes name, and the authority when none is given. */
  cloud: CloudName;
  graphUrl: string;
  authorityHost?: string | undefined;
  ca?: string | undefined;
  simulated: boolean;
  /** The tenant to sign in to when --tenant is not given (the sandbox's first tenant). */
  defaultTenant?: string | undefined;
  /** A sign-in authority that exists for this run only (the in-process sandbox): keep no sign-in. */
  throwawayAuthority?: boolean | undefined;
}

/** An endpoint and how to tear it down when the command ends (the in-process sandbox stops). */
export interface EndpointProvider {
  endpoint: Endpoint;
  close: () => Promise<void>;
}

export type EndpointArgs = Pick<ArgsOf<typeof connectionOptions>, "graphUrl"> & Partial<Pick<ArgsOf<typeof connectionOptions>, "allowGraphHost" | "cloud">> & Partial<ArgsOf<typeof sandboxOptions>>;

export async function openEndpoint(args: EndpointArgs, ctx: CliContext, logger: Logger): Promise<EndpointProvider> {
  const cloud = cloudFromArgs(args, ctx);
  return (await sandboxProvider(args, cloud, logger)) ?? { endpoint: endpointFromArgs(args, cloud, ctx, logger), close: async () => undefined };
}

/** --cloud, else ENTRA_ONBOARD_CLOUD, else global. */
export function cloudFromArgs(args: Pick<EndpointArgs, "cloud">, ctx: Pick<CliContext, "env">): CloudName {
  if (args.cloud !== undefined) return args.cloud;
  const fromEnv = ctx.env.ENTRA_ONBOARD_CLOUD;
  if (fromEnv === undefined || fromEnv === "") return "global";
  if (!isCloudName(fromEnv)) throw new InputError(`ENTRA_ONBOARD_CLOUD must be global, usgov, usgovdod or china, got '${fromEnv.slice(0, 40)}'.`);
  return fromEnv;
}

/**
 * The Graph root: the cloud's, or --graph-url / the environment, checked before any request carries
 * a token to it. --graph-url replaces only the Graph root (a mock or proxy of the cloud's Graph); it
 * cannot name another cloud's Graph host, whose Graph refuses this cloud's tokens ("Microsoft Graph
 * national cloud deployments": tokens are not interchangeable between clouds).
 */
function endpointFromArgs(args: EndpointArgs, cloud: CloudName, ctx: CliContext, logger: Logger): Endpoint {
  const fromEnv = args.graphUrl === undefined ? ctx.env.ENTRA_ONBOARD_GRAPH_URL : undefined;
  const source = fromEnv !== undefined ? "ENTRA_ONBOARD_GRAPH_URL" : "--graph-url";
  const raw = args.graphUrl ?? fromEnv ?? cloudOf(cloud).graph;
  const unsafe = unsafeCharacter(raw);
  if (unsafe) throw new InputError(`${source} contains a control character (${unsafe}); give a plain URL.`);
  const destination = checkGraphDestination(raw, source, args.allowGraphHost);
  const other = destination.kind === "microsoft" ? cloudOfGraphHost(destination.host) : undefined;
  if (other && other.name !== cloud) {
    throw new InputError(`${source} ${raw} is the Graph of the ${other.name} cloud (${other.label}), but the cloud is ${cloud}${args.cloud === undefined ? " (the default)" : ""}: its Graph refuses tokens of another cloud. Pass --cloud ${other.name}, or drop ${source}.`);
  }
  if (destination.kind === "allowed") {
    logger.warn(`the admin's access token will be sent to ${destination.host}, which is not a Microsoft Graph host (allowed by --allow-graph-host)`);
  }
  return { cloud, graphUrl: destination.root, simulated: false };
}

async function sandboxProvider(args: EndpointArgs, cloud: CloudName, logger: Logger): Promise<EndpointProvider | undefined> {
  if (args.sandbox) {
    const { startSandbox } = await import("../sandbox/server.js");
    const sandbox = await startSandbox({ adminLacksPrivilegedRoleAdmin: args.sandboxNoPra ?? false, cloud });
    logger.info(`started a simulated tenant (local sandbox${cloud === "global" ? "" : `, playing the ${cloud} cloud`}) at ${sandbox.url}: nothing in this run touches a real Entra tenant`);
    return {
      endpoint: { cloud, graphUrl: sandbox.graphUrl, authorityHost: sandbox.authorityHost, ca: sandbox.caPem, simulated: true, defaultTenant: sandbox.tenants[0]?.id, throwawayAuthority: true },
      close: () => sandbox.close(),
    };
  }
  if (args.sandboxUrl) {
    if (!args.sandboxCa) throw new InputError("--sandbox-url needs --sandbox-ca <file> (the CA file `entra-onboard sandbox` printed).");
    const url = checkSandboxUrl(args.sandboxUrl);
    const read = await readBoundedFile(args.sandboxCa, READ_CAPS.caFile);
    if (!read.ok) throw new InputError(`Cannot read --sandbox-ca ${args.sandboxCa}: ${read.reason}; pass the CA file \`entra-onboard sandbox\` printed.`);
    const ca = read.bytes.toString("utf8");
    if (!ca.includes("BEGIN CERTIFICATE")) throw new InputError(`--sandbox-ca ${args.sandboxCa} is not a PEM certificate.`);
    return { endpoint: { cloud, graphUrl: url, authorityHost: url, ca, simulated: true }, close: async () => undefined };
  }
  return undefined;
}
