/**
 * Where a command signs in and which Graph it calls: Microsoft's cloud (or any Graph root given
 * with --graph-url), or the local sandbox. `--sandbox` starts one in-process for this run;
 * `--sandbox-url` + `--sandbox-ca` use one started separately with `entra-onboard sandbox`.
 * Either way the CLI signs in through the real @azure/identity device-code flow, trusting exactly
 * the sandbox's certificate.
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { CLOUD } from "../core/requests.js";
import { InputError } from "../shared/errors.js";
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

export type EndpointArgs = Pick<ArgsOf<typeof connectionOptions>, "graphUrl"> & Partial<ArgsOf<typeof sandboxOptions>>;

export async function openEndpoint(args: EndpointArgs, ctx: CliContext, logger: Logger): Promise<EndpointProvider> {
  return (await sandboxProvider(args, logger)) ?? { endpoint: endpointFromArgs(args, ctx), close: async () => undefined };
}

function endpointFromArgs(args: EndpointArgs, ctx: CliContext): Endpoint {
  const graphUrl = args.graphUrl ?? ctx.env.ENTRA_ONBOARD_GRAPH_URL ?? CLOUD.graph;
  let parsed: URL;
  try {
    parsed = new URL(graphUrl);
  } catch {
    throw new InputError(`--graph-url '${graphUrl}' is not a URL; use e.g. https://graph.microsoft.com or http://127.0.0.1:4010.`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new InputError(`--graph-url must be http(s), got '${graphUrl}'.`);
  return { graphUrl: graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, ""), simulated: false };
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
    let ca: string;
    try {
      ca = await readFile(args.sandboxCa, "utf8");
    } catch (error) {
      throw new InputError(`Cannot read --sandbox-ca ${args.sandboxCa}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
    if (!ca.includes("BEGIN CERTIFICATE")) throw new InputError(`--sandbox-ca ${args.sandboxCa} is not a PEM certificate.`);
    const url = args.sandboxUrl.replace(/\/+$/, "");
    if (!/^https:\/\//.test(url)) throw new InputError(`--sandbox-url must be the https:// URL the sandbox printed, got '${args.sandboxUrl}'.`);
    return { endpoint: { graphUrl: url, authorityHost: url, ca, simulated: true }, close: async () => undefined };
  }
  return undefined;
}
