/**
 * Where a command signs in and which Graph it calls: one of Microsoft's clouds (--cloud; any Graph
 * root given with --graph-url replaces only its Graph), or the local sandbox. `--sandbox` starts one
 * in-process for this run (playing --cloud); `--sandbox-url` + `--sandbox-ca` use one started
 * separately with `entra-onboard sandbox` (start it with the same --cloud). Either way the CLI signs
 * in through the real @azure/identity device-code flow, trusting exactly the sandbox's certificate,
 * and names the cloud's resources in its scopes.
 */
import { join } from "node:path";
import type { Logger } from "pino";
import { cloudOf, cloudOfGraphHost, DEFAULT_CLOUD, isCloudName, type CloudName } from "../core/clouds.js";
import { cloudMismatch, CONNECTION_FILE, type ConnectionRecord } from "../core/record.js";
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

/**
 * --out's connection.json as read before sign-in (with the other --out checks, never a second
 * time): the cloud it records, if any (a file written before the field existed records none).
 */
export interface RecordedCloud {
  outDir: string;
  cloud: CloudName | undefined;
}

/** The record's cloud, when --out was given and holds a connection.json. */
export function recordedCloud(outDir: string | undefined, record: Pick<ConnectionRecord, "cloud"> | undefined): RecordedCloud | undefined {
  return outDir !== undefined && record ? { outDir, cloud: record.cloud } : undefined;
}

export async function openEndpoint(args: EndpointArgs, ctx: CliContext, logger: Logger, recorded?: RecordedCloud): Promise<EndpointProvider> {
  const choice = chooseCloud(args, ctx, recorded);
  if (recorded && choice.fromRecord && choice.cloud !== DEFAULT_CLOUD) logger.info(`the ${choice.cloud} cloud, as ${join(recorded.outDir, CONNECTION_FILE)} records (no --cloud given)`);
  return (await sandboxProvider(args, choice.cloud, logger)) ?? { endpoint: endpointFromArgs(args, choice, ctx, logger), close: async () => undefined };
}

/** The cloud, and what chose it (for messages). */
interface CloudChoice {
  cloud: CloudName;
  origin: string;
  fromRecord?: boolean;
}

/** --cloud, else ENTRA_ONBOARD_CLOUD, else global. */
export function cloudFromArgs(args: Pick<EndpointArgs, "cloud">, ctx: Pick<CliContext, "env">): CloudName {
  return chooseCloud(args, ctx, undefined).cloud;
}

/**
 * --cloud, else ENTRA_ONBOARD_CLOUD, else the cloud --out's connection.json records, else global;
 * all before sign-in, since the authority depends on it. A cloud given that differs from the
 * recorded one is bad input: that --out is a connection in another cloud.
 */
function chooseCloud(args: Pick<EndpointArgs, "cloud">, ctx: Pick<CliContext, "env">, recorded: RecordedCloud | undefined): CloudChoice {
  const given = givenCloud(args, ctx);
  if (given === undefined) {
    return recorded?.cloud !== undefined ? { cloud: recorded.cloud, origin: `recorded in ${recorded.outDir}`, fromRecord: true } : { cloud: DEFAULT_CLOUD, origin: "the default" };
  }
  if (recorded?.cloud !== undefined && recorded.cloud !== given.cloud) {
    throw new InputError(cloudMismatch(recorded.outDir, recorded.cloud, `${given.origin} is ${given.cloud}`, `${given.origin === "--cloud" ? "drop --cloud" : "unset ENTRA_ONBOARD_CLOUD"} and the recorded cloud is used`));
  }
  return given;
}

function givenCloud(args: Pick<EndpointArgs, "cloud">, ctx: Pick<CliContext, "env">): CloudChoice | undefined {
  if (args.cloud !== undefined) return { cloud: args.cloud, origin: "--cloud" };
  const fromEnv = ctx.env.ENTRA_ONBOARD_CLOUD;
  if (fromEnv === undefined || fromEnv === "") return undefined;
  if (!isCloudName(fromEnv)) throw new InputError(`ENTRA_ONBOARD_CLOUD must be global, usgov, usgovdod or china, got '${fromEnv.slice(0, 40)}'.`);
  return { cloud: fromEnv, origin: "ENTRA_ONBOARD_CLOUD" };
}

/**
 * The Graph root: the cloud's, or --graph-url / the environment, checked before any request carries
 * a token to it. --graph-url replaces only the Graph root (a mock or proxy of the cloud's Graph); it
 * cannot name another cloud's Graph host, whose Graph refuses this cloud's tokens ("Microsoft Graph
 * national cloud deployments": tokens are not interchangeable between clouds).
 */
function endpointFromArgs(args: EndpointArgs, { cloud, origin }: CloudChoice, ctx: CliContext, logger: Logger): Endpoint {
  const fromEnv = args.graphUrl === undefined ? ctx.env.ENTRA_ONBOARD_GRAPH_URL : undefined;
  const source = fromEnv !== undefined ? "ENTRA_ONBOARD_GRAPH_URL" : "--graph-url";
  const raw = args.graphUrl ?? fromEnv ?? cloudOf(cloud).graph;
  const unsafe = unsafeCharacter(raw);
  if (unsafe) throw new InputError(`${source} contains a control character (${unsafe}); give a plain URL.`);
  const destination = checkGraphDestination(raw, source, args.allowGraphHost);
  const other = destination.kind === "microsoft" ? cloudOfGraphHost(destination.host) : undefined;
  if (other && other.name !== cloud) {
    throw new InputError(`${source} ${raw} is the Graph of the ${other.name} cloud (${other.label}), but the cloud is ${cloud}${origin === "--cloud" ? "" : ` (${origin})`}: its Graph refuses tokens of another cloud. Pass --cloud ${other.name}, or drop ${source}.`);
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
