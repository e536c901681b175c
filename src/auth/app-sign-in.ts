/**
 * Signing in as the onboarded app with its certificate (client credentials + client assertion),
 * for `verify`. Each call builds a new credential so every attempt gets a fresh token: after
 * consent, a cached token would keep showing the old `roles`.
 */
import type { AppSignIn } from "../core/verify.js";
import { createGraph } from "../graph/graph-client.js";
import type { Clock } from "../shared/clock.js";
import { UnexpectedResponseError } from "../shared/errors.js";

export interface AppCredentialOptions {
  tenantId: string;
  appId: string;
  certificatePem: string;
  privateKeyPem: string;
  authorityHost?: string | undefined;
  ca?: string | undefined;
  graphUrl: string;
  /** The Graph resource identifier of the tenant's cloud (clouds.ts), e.g. https://graph.microsoft.us. */
  graphResource: string;
  clock: Clock;
}

export async function appSignInFactory(options: AppCredentialOptions): Promise<() => AppSignIn> {
  const identity = await import("@azure/identity");
  const fetch = options.ca ? (await import("../graph/https-fetch.js")).httpsFetch({ ca: options.ca }) : undefined;
  return () => {
    const credential = new identity.ClientCertificateCredential(
      options.tenantId,
      options.appId,
      { certificate: `${options.certificatePem.trim()}\n${options.privateKeyPem.trim()}\n` },
      {
        ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
        ...(options.ca ? { disableInstanceDiscovery: true, tlsOptions: { ca: options.ca } } : {}),
      },
    );
    const getToken = async (resource: string) => {
      const token = await credential.getToken(`${resource}/.default`);
      if (!token) throw new UnexpectedResponseError(`signing in as the app returned no token for ${resource}`);
      return token.token;
    };
    const graph = createGraph({
      graphUrl: options.graphUrl,
      getToken: () => getToken(options.graphResource),
      clock: options.clock,
      policy: { maxElapsedMs: 30_000 },
      ...(fetch ? { fetch } : {}),
    });
    return { getToken, graph };
  };
}
