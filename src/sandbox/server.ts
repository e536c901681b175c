/**
 * The local sandbox tenant: one HTTPS server on 127.0.0.1 that is both the simulated Microsoft Graph
 * (under /v1.0) and an Entra-like sign-in authority for the sandbox tenants. Real clients
 * (@azure/identity, the Graph SDK) use it unchanged, trusting only the CA certificate made at start.
 */
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateTlsCertificate } from "../cert/generate.js";
import { CLOUD_IDENTITIES, type FakeCloud } from "../fake/clouds.js";
import { FakeGraph } from "../fake/fake-graph.js";
import type { FakeRequest, FaultOptions, SeedTenant } from "../fake/types.js";
import { realClock, type Clock } from "../shared/clock.js";
import { SandboxAuthority } from "./authority.js";
import { fakeDirectory } from "./fake-directory.js";
import { BodyTooLargeError, graphError, lowerCaseHeaders, readBody, writeResponse } from "./http.js";
import { addSandboxAdminUser, sandboxAdmin, stableUuid } from "./identities.js";
import { buildRelationships, PartnerDirectory, partnerSeed, type PartnerOptions } from "./partner.js";

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** How many tenants (default 1), or their seeds. */
  tenants?: number | SeedTenant[];
  faults?: FaultOptions;
  clock?: Clock;
  /** The simulated admin signs in without Privileged Role Administrator (to show the preflight failure). */
  adminLacksPrivilegedRoleAdmin?: boolean;
  /** One line per request (method, path, status, time); never tokens or bodies. */
  log?: (line: string) => void;
  /**
   * Play a managed service provider: add a partner tenant whose admin holds a GDAP relationship with
   * every tenant above (the customers), so one sign-in in the partner tenant reaches all of them;
   * the options leave some customers without one, or with too few roles.
   */
  partner?: boolean | PartnerOptions;
  /**
   * Play a Microsoft cloud (default global): its Graph and Exchange Online resource identifiers,
   * the names in its discovery documents, and its first-party APIs as src/fake/clouds.ts models them.
   */
  cloud?: FakeCloud;
}

export interface SandboxTenantInfo {
  id: string;
  initialDomain: string;
  displayName: string;
}

export interface SandboxPartner extends SandboxTenantInfo {
  /** The partner's admin, who signs in once for the whole fleet. */
  admin: string;
  /** The GDAP relationships with the customers (`tenants`). */
  relationships: PartnerDirectory;
}

export interface Sandbox {
  /** "https://127.0.0.1:PORT": the Graph root (Graph at /v1.0) and the authority host. */
  url: string;
  graphUrl: string;
  authorityHost: string;
  /** PEM of the server's self-signed certificate: pass as `ca` / `tlsOptions.ca`. */
  caPem: string;
  /** The tenants asked for (with `partner`: the customers). */
  tenants: SandboxTenantInfo[];
  /** With `partner`: the MSP's own tenant (also in `fake`, where "organizations" sign-ins land). */
  partner?: SandboxPartner | undefined;
  fake: FakeGraph;
  /** The sign-in authority (e.g. `verifyAccessToken`). */
  authority: SandboxAuthority;
  /** The cloud it plays. */
  cloud: FakeCloud;
  setFaults(f: FaultOptions): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? realClock();
  const log = options.log ?? (() => undefined);
  const { certPem, keyPem } = await generateTlsCertificate({ now: new Date(clock.now()), hosts: ["127.0.0.1", "localhost"] });

  // The authority needs the port, known only after listen; Graph requests cannot arrive before that.
  let authority: SandboxAuthority | undefined;
  const cloud = options.cloud ?? "global";
  const customers = seedTenants(options.tenants ?? 1).map((t) => inCloud(t, cloud));
  const partnerTenant = options.partner ? inCloud(partnerSeed(), cloud) : undefined;
  const fake = new FakeGraph({
    clock,
    // The partner first: a sign-in to "organizations" lands in the home tenant of whoever signs in.
    tenants: partnerTenant ? [partnerTenant, ...customers] : customers,
    ...(options.faults !== undefined ? { faults: options.faults } : {}),
    // Graph takes a token for any of its identifiers: the cloud's (graph.microsoft.com), its app id, or this
    // sandbox's own Graph URL (the resource of a cloud's own Graph host, as in national clouds).
    verifyToken: (token: string) => (authority ? authority.verifyAccessToken(token, authority.catalogue.audiences(authority.catalogue.graph)) : undefined),
  });
  for (const id of fake.tenantIds()) addSandboxAdminUser(fake.tenant(id), options.adminLacksPrivilegedRoleAdmin ?? false);
  const tenants = fakeDirectory(fake)
    .tenants()
    .filter((t) => t.id !== partnerTenant?.id)
    .map((t) => ({ id: t.id, initialDomain: t.initialDomain, displayName: t.displayName }));
  const partner = partnerTenant
    ? {
        id: partnerTenant.id,
        initialDomain: partnerTenant.initialDomain,
        displayName: partnerTenant.displayName,
        admin: sandboxAdmin(partnerTenant, options.adminLacksPrivilegedRoleAdmin ?? false).upn,
        relationships: new PartnerDirectory(partnerTenant, buildRelationships(tenants, options.partner === true ? {} : (options.partner || {}), clock.now())),
      }
    : undefined;

  let url = "";
  const server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const started = clock.now();
    void route(req, res).then(
      (status) => log(`${req.method ?? "?"} ${pathOnly(req.url)} -> ${status} (${clock.now() - started} ms)`),
      (err: unknown) => log(`${req.method ?? "?"} ${pathOnly(req.url)} -> failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const rawUrl = req.url ?? "/";
    const path = pathOnly(rawUrl);
    const headers = lowerCaseHeaders(req);
    try {
      const body = await readBody(req);
      if (path === "/v1.0" || path.startsWith("/v1.0/")) {
        const parsed = parseJson(body);
        if (!parsed.ok) return send(res, graphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", clock.now()));
        const request: FakeRequest & { baseUrl: string } = {
          method: req.method ?? "GET",
          url: rawUrl.slice("/v1.0".length) || "/",
          headers,
          ...(parsed.value !== undefined ? { body: parsed.value } : {}),
          baseUrl: `${url}/v1.0`,
        };
        return send(res, await fake.handle(request));
      }
      const q = rawUrl.indexOf("?");
      const answer = authority?.handle({ method: req.method ?? "GET", path, query: q < 0 ? "" : rawUrl.slice(q + 1), body, headers });
      if (answer) return send(res, answer);
      return send(res, graphError(404, "NotFound", `The sandbox serves Graph under /v1.0 and the sign-in authority under /{tenant}/...; nothing at ${path}.`, clock.now()));
    } catch (err) {
      if (err instanceof BodyTooLargeError) return send(res, graphError(413, "RequestEntityTooLarge", err.message, clock.now()));
      log(`sandbox error on ${req.method ?? "?"} ${path}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return send(res, graphError(500, "InternalServerError", "The sandbox failed to handle this request.", clock.now()));
    }
  }

  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  url = `https://127.0.0.1:${port}`;
  authority = new SandboxAuthority({
    url,
    directory: fakeDirectory(fake),
    clock,
    adminLacksPrivilegedRoleAdmin: options.adminLacksPrivilegedRoleAdmin ?? false,
    partner: partner?.relationships,
    cloud,
  });

  return {
    url,
    graphUrl: url,
    authorityHost: url,
    caPem: certPem,
    tenants,
    partner,
    fake,
    authority,
    cloud,
    setFaults: (f) => fake.setFaults(f),
    close: () => close(server),
  };
}

/** A tenant of the cloud the sandbox plays, under that cloud's domain (sandbox1.onmicrosoft.us). */
function inCloud<T extends SeedTenant>(seed: T, cloud: FakeCloud): T {
  const domain = seed.initialDomain?.replace(/\.onmicrosoft\.com$/, `.${CLOUD_IDENTITIES[cloud].domainSuffix}`);
  return { ...seed, cloud, ...(domain !== undefined ? { initialDomain: domain } : {}) };
}

/** `tenants: 2` → sandbox1/sandbox2 with ids stable across runs, so logs and caches stay comparable. */
export function seedTenants(tenants: number | SeedTenant[]): SeedTenant[] {
  if (Array.isArray(tenants)) return tenants;
  if (!Number.isInteger(tenants) || tenants < 1) throw new RangeError(`tenants must be a positive integer, got ${tenants}`);
  return Array.from({ length: tenants }, (_, i) => ({
    id: stableUuid(`tenant:${i + 1}`),
    displayName: `Sandbox ${i + 1}`,
    initialDomain: `sandbox${i + 1}.onmicrosoft.com`,
    hasExchange: true,
    // The simulated admin is the only user (added once the tenant exists; see addSandboxAdminUser).
    users: [],
  }));
}

function send(res: ServerResponse, response: Parameters<typeof writeResponse>[1]): number {
  writeResponse(res, response);
  return response.status;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  if (body.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

function pathOnly(rawUrl: string | undefined): string {
  const u = rawUrl ?? "/";
  const q = u.indexOf("?");
  return q < 0 ? u : u.slice(0, q);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    // Keep-alive sockets from MSAL / fetch would otherwise hold close() open.
    server.closeAllConnections();
    server.close((err) => (err ? reject(err) : resolve()));
  });
}
