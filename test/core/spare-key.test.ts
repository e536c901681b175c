/**
 * A first onboarding's certificate key is started before the tenant is read: only when the
 * certificate is to be generated and --out holds neither a key nor a connection.json, handed out
 * once, and only for a certificate of its size.
 */
import { describe, expect, it } from "vitest";
import { spareKeyFor } from "../../src/core/spare-key.js";
import type { CertificateInfo } from "../../src/cert/types.js";
import { parseConnectionRecord } from "../../src/core/record.js";
import type { CertificateChoice, HeldCertificate } from "../../src/core/types.js";

const generate = { mode: "generate", keySizeBits: 2048, validityDays: 365 } as const;
const noRecord = { current: undefined };

describe("spareKeyFor", () => {
  it("starts one key for a first onboarding and hands it out once, for its size only", async () => {
    const spare = spareKeyFor({ desired: { certificate: generate }, held: undefined, record: noRecord });
    expect(spare).toBeDefined();
    expect(spare?.take(3072)).toBeUndefined();
    const keyPair = await spare?.take(2048);
    expect((keyPair?.publicKey.algorithm as { modulusLength?: number }).modulusLength).toBe(2048);
    expect(keyPair?.privateKey.extractable).toBe(true);
    expect(spare?.take(2048)).toBeUndefined();
  });

  it("starts nothing when --out already holds a key or a connection.json, or the certificate is the user's", () => {
    const held = { thumbprint: "AB" } as HeldCertificate;
    expect(spareKeyFor({ desired: { certificate: generate }, held, record: noRecord })).toBeUndefined();
    const parsed = parseConnectionRecord(JSON.stringify({ formatVersion: 2, tenantId: "8a37a2bc-ae99-593f-bce5-7716dd065399", uniqueName: "entra-onboard-xops-app-60abf216", managed: { certificates: [], permissions: [], roles: [], listedPermissions: [], tags: [] } }));
    expect(parsed).toMatchObject({ ok: true });
    if (parsed.ok) expect(spareKeyFor({ desired: { certificate: generate }, held: undefined, record: { current: parsed.record } })).toBeUndefined();
    const file: CertificateChoice = { mode: "file", path: "app.cer", certificate: {} as CertificateInfo };
    expect(spareKeyFor({ desired: { certificate: file }, held: undefined, record: noRecord })).toBeUndefined();
  });
});
