import { beforeAll, describe, expect, it } from "vitest";
import type { KeyCredentialJson } from "../../src/fake/model.js";
import { bodyOf, DAY, errorOf, makeCertificate, setup, type TestCertificate } from "./helpers.js";

const START = Date.parse("2026-01-15T00:00:00Z");
let certA: TestCertificate;
let certB: TestCertificate;
let longCert: TestCertificate;

beforeAll(async () => {
  certA = await makeCertificate(new Date(START), new Date(START + 300 * DAY), "CN=cert-a");
  certB = await makeCertificate(new Date(START), new Date(START + 300 * DAY), "CN=cert-b");
  longCert = await makeCertificate(new Date(START), new Date(START + 800 * DAY), "CN=long");
});

function credential(cert: TestCertificate, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "AsymmetricX509Cert",
    usage: "Verify",
    key: cert.der.toString("base64"),
    startDateTime: cert.notBefore.toISOString(),
    endDateTime: cert.notAfter.toISOString(),
    ...extra,
  };
}

async function withApp() {
  const ctx = setup();
  const app = ctx.tenant.addApplication({ displayName: "Xops-App" });
  const patch = (keyCredentials: unknown[]) => ctx.call("PATCH", `/applications/${app.id}`, { keyCredentials });
  const stored = async (): Promise<KeyCredentialJson[]> => bodyOf<{ keyCredentials: KeyCredentialJson[] }>(await ctx.call("GET", `/applications/${app.id}`)).keyCredentials;
  return { ...ctx, app, patch, stored };
}

describe("keyCredentials", () => {
  it("stores a new certificate with server-assigned keyId and the SHA-1 thumbprint; key is hidden by default", async () => {
    const { patch, stored } = await withApp();
    expect((await patch([credential(certA)])).status).toBe(204);
    const [k] = await stored();
    expect(k).toMatchObject({ type: "AsymmetricX509Cert", usage: "Verify", key: null, customKeyIdentifier: certA.thumbprint });
    expect(k?.keyId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("returns key bytes only for a single-object GET with $select=keyCredentials", async () => {
    const { patch, call, app } = await withApp();
    await patch([credential(certA)]);
    const selected = bodyOf<{ keyCredentials: KeyCredentialJson[] }>(await call("GET", `/applications/${app.id}?$select=keyCredentials`));
    expect(selected.keyCredentials[0]?.key).toBe(certA.der.toString("base64"));
    const list = bodyOf<{ value: { keyCredentials: KeyCredentialJson[] }[] }>(await call("GET", "/applications?$select=keyCredentials"));
    expect(list.value[0]?.keyCredentials[0]?.key).toBeNull();
  });

  it("accepts base64 of PEM text, and the inspector hands out DER bytes", async () => {
    const { patch, tenant, app } = await withApp();
    expect((await patch([credential(certA, { key: Buffer.from(certA.pem).toString("base64") })])).status).toBe(204);
    const [k] = tenant.keyCredentials(app.appId);
    expect(k?.certificateDer?.equals(certA.der)).toBe(true);
    expect(k?.customKeyIdentifier).toBe(certA.thumbprint);
  });

  it("keeps existing entries echoed with key:null and replaces the whole list", async () => {
    const { patch, stored } = await withApp();
    await patch([credential(certA)]);
    const [existing] = await stored();
    expect((await patch([existing, credential(certB)])).status).toBe(204);
    const both = await stored();
    expect(both.map((k) => k.customKeyIdentifier)).toEqual([certA.thumbprint, certB.thumbprint]);
    expect((await patch([both[1]])).status).toBe(204);
    expect((await stored()).map((k) => k.customKeyIdentifier)).toEqual([certB.thumbprint]);
  });

  it("refuses changes to an existing keyId", async () => {
    const { patch, stored } = await withApp();
    await patch([credential(certA)]);
    const [existing] = await stored();
    const res = await patch([{ ...existing, displayName: "renamed" }]);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe(`Update to existing credential with KeyId '${existing?.keyId}' is not allowed.`);
    const swapped = await patch([credential(certB, { keyId: existing?.keyId })]);
    expect(swapped.status).toBe(400);
    expect((await stored())[0]?.customKeyIdentifier).toBe(certA.thumbprint);
  });

  it.each([
    ["end after the certificate's notAfter", () => credential(certA, { endDateTime: new Date(START + 301 * DAY).toISOString() })],
    ["end after a long certificate's notAfter", () => credential(longCert, { endDateTime: new Date(START + 801 * DAY).toISOString() })],
    ["end before start", () => credential(certA, { startDateTime: new Date(START + 10 * DAY).toISOString(), endDateTime: new Date(START + 5 * DAY).toISOString() })],
  ])("rejects %s with KeyCredentialsInvalidEndDate and changes nothing", async (_name, make) => {
    const { patch, stored } = await withApp();
    await patch([credential(certB)]);
    const res = await patch([...(await stored()), make()]);
    expect(res.status).toBe(400);
    expect(errorOf(res)).toEqual({ code: "KeyCredentialsInvalidEndDate", message: "Key credential end date is invalid." });
    expect(await stored()).toHaveLength(1);
  });

  it("requires usage Verify for AsymmetricX509Cert", async () => {
    const { patch } = await withApp();
    const res = await patch([credential(certA, { usage: "Sign" })]);
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toBe('The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify.');
  });
});
