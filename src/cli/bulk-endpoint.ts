/**
 * Where `bulk` signs in and which Graph it calls: the endpoint a single command would use
 * (endpoint.ts: Microsoft's cloud, --graph-url, or a sandbox started with `entra-onboard sandbox`),
 * or, with --sandbox, simulated tenants started in-process that play an MSP: a partner tenant whose
 * admin holds GDAP relationships with --tenants customer tenants.
 */
import type { Logger } from "pino";
import type { PartnerOptions } from "../sandbox/partner.js";
import { InputError } from "../shared/errors.js";
import type { CliContext } from "./context.js";
import { cloudFromArgs, openEndpoint, type Endpoint, type EndpointArgs } from "./endpoint.js";

export interface FleetEndpoint extends Endpoint {
  /** The in-process sandbox's partner tenant: where the one sign-in happens. */
  partnerTenant?: string | undefined;
}

export interface FleetEndpointProvider {
  endpoint: FleetEndpoint;
  /** The in-process sandbox's customers: the fleet when no tenants file is given. */
  customers?: { tenant: string; friendlyName: string }[] | undefined;
  close: () => Promise<void>;
}

export async function openFleetEndpoint(args: EndpointArgs & { tenants: number }, ctx: CliContext, logger: Logger, knobs: PartnerOptions): Promise<FleetEndpointProvider> {
  if (!args.sandbox) return openEndpoint(args, ctx, logger);
  const cloud = cloudFromArgs(args, ctx);
  const { startSandbox } = await import("../sandbox/server.js");
  let sandbox;
  try {
    sandbox = await startSandbox({ tenants: args.tenants, partner: knobs, cloud });
  } catch (error) {
    if (error instanceof RangeError) throw new InputError(`${error.message} (--tenants is ${args.tenants}).`);
    throw error;
  }
  const partner = sandbox.partner;
  logger.info(`started simulated tenants (local sandbox) at ${sandbox.url}: partner ${partner?.initialDomain} and ${sandbox.tenants.length} customers; nothing in this run touches a real Entra tenant`);
  return {
    endpoint: { cloud, graphUrl: sandbox.graphUrl, authorityHost: sandbox.authorityHost, ca: sandbox.caPem, simulated: true, throwawayAuthority: true, partnerTenant: partner?.id },
    customers: sandbox.tenants.map((t) => ({ tenant: t.initialDomain, friendlyName: t.displayName })),
    close: () => sandbox.close(),
  };
}
