/**
 * Where a command signs in and which Graph it calls: Microsoft's cloud (or any Graph root given
 * with --graph-url), or the local sandbox. `--sandbox` starts one in-process for this run;
 * `--sandbox-url` + `--sandbox-ca` use one started separately with `entra-onboard sandbox`.
 * Either way the CLI signs in through the real @azure/identity device-code flow, trusting exactly
 * the sandbox's certificate.
 */
import type { Logger } from "pino";
import { CLOUD } from "../core/requests.js";
import { checkGraphDestination, checkSandboxUrl } from "../graph/destination.js";
import { readBoundedFile, READ_CAPS } from "../shared/bounded-read.js";
import { InputError } from "../shared/errors.js";
import { unsafeCharacter } from "../shared/input-text.js";
import type { CliContext } from "./context.js";
import type { ArgsOf, connectionOptions, sandboxOptions } from "./options.js";

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

/** An endpoint and how to tear it down when the command ends (the in-process sandbox stops). */
export interface EndpointProvider {
  endpoint: Endpoint;
  close: () => Promise<void>;
}

export type EndpointArgs = Pick<ArgsOf<typeof connectionOptions>, "graphUrl"> & Partial<Pick<ArgsOf<typeof connectionOptions>, "allowGraphHost">> & Partial<ArgsOf<typeof sandboxOptions>>;

export async function openEndpoint(args: EndpointArgs, ctx: CliContext, logger: Logger): Promise<EndpointProvider> {
  return (await sandboxProvider(args, logger)) ?? { endpoint: endpointFromArgs(args, ctx, logger), close: async () => undefined };
}

/** The Graph root from --graph-url or the environment, checked before any request carries a token to it. */
function endpointFromArgs(args: EndpointArgs, ctx: CliContext, logger: Logger): Endpoint {
  const fromEnv = args.graphUrl === undefined ? ctx.env.ENTRA_ONBOARD_GRAPH_URL : undefined;
  const source = fromEnv !== undefined ? "ENTRA_ONBOARD_GRAPH_URL" : "--graph-url";
  const raw = args.graphUrl ?? fromEnv ?? CLOUD.graph;
  const unsafe = unsafeCharacter(raw);
  if (unsafe) throw new InputError(`${source} contains a control character (${unsafe}); give a plain URL.`);
  const destination = checkGraphDestination(raw, source, args.allowGraphHost);
  if (destination.kind === "allowed") {
    logger.warn(`the admin's access token will be sent to ${destination.host}, which is not a Microsoft Graph host (allowed by --allow-graph-host)`);
  }
  return { graphUrl: destination.root, simulated: false };
}

async function sandboxProvider(args: EndpointArgs, logger: Logger): Promise<EndpointProvider | undefined> {
  if (args.sandbox) {
    const { startSandbox } = await import("../sandbox/server.js");
    const sandbox = await startSandbox({ adminLacksPrivilegedRoleAdmin: args.sandboxNoPra ?? false });
    logger.info(`started a simulated tenant (local sandbox) at ${sandbox.url}: nothing in this run touches a real Entra tenant`);
    return {
      endpoint: { graphUrl: sandbox.graphUrl, authorityHost: sandbox.authorityHost, ca: sandbox.caPem, simulated: true, defaultTenant: sandbox.tenants[0]?.id, throwawayAuthority: true },
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
    return { endpoint: { graphUrl: url, authorityHost: url, ca, simulated: true }, close: async () => undefined };
  }
  return undefined;
}
