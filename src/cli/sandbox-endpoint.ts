/**
 * Pointing a command at the local sandbox: `--sandbox` starts one in-process for this run;
 * `--sandbox-url` + `--sandbox-ca` use one started separately with `entra-onboard sandbox`.
 * Either way the CLI signs in through the real @azure/identity device-code flow, trusting exactly
 * the sandbox's certificate.
 */
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { InputError } from "../shared/errors.js";
import type { EndpointProvider } from "./run-commands.js";

export interface SandboxArgs {
  sandbox?: boolean | undefined;
  sandboxUrl?: string | undefined;
  sandboxCa?: string | undefined;
  sandboxNoPra?: boolean | undefined;
}

export async function sandboxProvider(args: SandboxArgs, logger: Logger): Promise<EndpointProvider | undefined> {
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
