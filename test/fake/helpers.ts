/** Shared set-up for the fake's own tests: a fake on a virtual clock, tokens, certificates. */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { virtualClock } from "../../src/shared/clock.js";
import { FakeGraph } from "../../src/fake/fake-graph.js";
import { RoleTemplateIds } from "../../src/fake/seed.js";
import { unsignedToken } from "../../src/fake/tokens.js";
import type { FakeResponse, FaultOptions, SeedTenant } from "../../src/fake/types.js";

x509.cryptoProvider.set(globalThis.crypto);

export const ADMIN_SCOPES = "Application.ReadWrite.All AppRoleAssignment.ReadWrite.All RoleManagement.ReadWrite.Directory Directory.Read.All User.Read";

export function setup(faults: FaultOptions = {}, seed: SeedTenant = {}) {
  const clock = virtualClock();
  const fake = new FakeGraph({ clock, faults, tenants: [seed] });
  const tenantId = fake.tenantIds()[0] as string;
  const tenant = fake.tenant(tenantId);
  const adminToken = unsignedToken({ tid: tenantId, scp: ADMIN_SCOPES, wids: [RoleTemplateIds.GlobalAdministrator] });
  async function call(method: string, url: string, body?: unknown, options: { token?: string | null; headers?: Record<string, string> } = {}): Promise<FakeResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? adminToken : options.token;
    if (token !== null) headers["authorization"] = `Bearer ${token}`;
    return fake.handle({ method, url, headers, ...(body === undefined ? {} : { body }) });
  }
  return { clock, fake, tenantId, tenant, adminToken, call };
}

export function tokenFor(tenantId: string, claims: { scp?: string; roles?: string[]; wids?: string[]; oid?: string }): string {
  return unsignedToken({ tid: tenantId, ...claims });
}

/** Delegated scopes a plain user's tool would hold: write apps, read users' basic profiles. */
export const MEMBER_SCOPES = "Application.ReadWrite.All User.Read User.ReadBasic.All";

/** The Graph error code and message of a response. */
export function errorOf(response: FakeResponse): { code: string; message: string } {
  const error = (response.body as { error?: { code: string; message: string } } | undefined)?.error;
  if (error === undefined) throw new Error(`expected an error body, got ${response.status} ${JSON.stringify(response.body)}`);
  return { code: error.code, message: error.message };
}

export function bodyOf<T = Record<string, unknown>>(response: FakeResponse): T {
  return response.body as T;
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  notBefore: Date;
  notAfter: Date;
  thumbprint: string;
}

/** A self-signed certificate (ECDSA P-256: fast to make; the fake doesn't care about key type). */
export async function makeCertificate(notBefore: Date, notAfter: Date, name = "CN=Xops-App"): Promise<TestCertificate> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await globalThis.crypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: "01", name, notBefore, notAfter, keys, signingAlgorithm: alg });
  const der = Buffer.from(cert.rawData);
  const sha1 = Buffer.from(await globalThis.crypto.subtle.digest("SHA-1", der)).toString("hex").toUpperCase();
  return { der, pem: cert.toString("pem"), notBefore, notAfter, thumbprint: sha1 };
}

export const DAY = 24 * 60 * 60 * 1000;
