import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCertificateFile, thumbprintOfKeyCredentialKey } from "../../src/cert/inspect.js";
import { lifetimeDays, toKeyCredential } from "../../src/cert/key-credential.js";
import type { CertificateInfo } from "../../src/cert/types.js";
import { InputError } from "../../src/shared/errors.js";
import { fixture } from "./helpers.js";

const DAY = 24 * 60 * 60 * 1000;
const byo = parseCertificateFile(readFileSync(fixture("byo.cer")), "byo.cer");

function withValidity(cert: CertificateInfo, notBefore: string, notAfter: string): CertificateInfo {
  return { ...cert, notBefore: new Date(notBefore), notAfter: new Date(notAfter) };
}

function window(credential: { startDateTime: string; endDateTime: string }): { start: number; end: number } {
  return { start: Date.parse(credential.startDateTime), end: Date.parse(credential.endDateTime) };
}

describe("toKeyCredential", () => {
  it("carries the certificate's own dates, however long it is valid (no silent cut to a year)", () => {
    const now = new Date("2026-01-15T12:00:00.750Z");
    const credential = toKeyCredential(byo, now);
    const { start, end } = window(credential);
    expect(start).toBe(byo.notBefore.getTime());
    expect(end).toBe(byo.notAfter.getTime());
    expect(end - start).toBeGreaterThan(70 * 365 * DAY);
    expect(credential).toMatchObject({ type: "AsymmetricX509Cert", usage: "Verify", startDateTime: "2025-01-01T00:00:00Z", endDateTime: "2099-01-01T00:00:00Z" });
    // The key is base64 of the DER, and resolves back to the same thumbprint.
    expect(Buffer.from(credential.key, "base64").equals(Buffer.from(byo.der))).toBe(true);
    expect(thumbprintOfKeyCredentialKey(credential.key)).toBe(byo.thumbprint);
  });

  it("a three-year certificate is a three-year credential, starting at notBefore even when that is past", () => {
    const cert = withValidity(byo, "2026-01-15T11:55:00Z", "2029-01-14T11:55:00Z");
    const { start, end } = window(toKeyCredential(cert, new Date("2026-01-15T12:00:00Z")));
    expect(start).toBe(Date.parse("2026-01-15T11:55:00Z"));
    expect(end).toBe(Date.parse("2029-01-14T11:55:00Z"));
    expect(lifetimeDays(cert)).toBe(1095);
  });

  it("a certificate that becomes valid later keeps its own start", () => {
    const cert = withValidity(byo, "2026-02-01T00:00:00Z", "2030-01-01T00:00:00Z");
    const { start, end } = window(toKeyCredential(cert, new Date("2026-01-15T12:00:00Z")));
    expect(start).toBe(cert.notBefore.getTime());
    expect(end).toBe(cert.notAfter.getTime());
  });

  it("throws InputError for an expired certificate", () => {
    const cert = withValidity(byo, "2020-01-01T00:00:00Z", "2021-01-01T00:00:00Z");
    expect(() => toKeyCredential(cert, new Date("2026-01-15T12:00:00Z"))).toThrow(InputError);
    expect(() => toKeyCredential(cert, new Date("2026-01-15T12:00:00Z"))).toThrow(/expired on 2021-01-01T00:00:00Z/);
  });

  it("names the credential after the thumbprint by default and caps custom names at 90 chars", () => {
    const now = new Date("2026-01-15T12:00:00Z");
    expect(toKeyCredential(byo, now).displayName).toBe(`entra-onboard ${byo.thumbprint.slice(0, 8)}`);
    expect(toKeyCredential(byo, now, "x".repeat(200)).displayName).toHaveLength(90);
    expect(toKeyCredential(byo, now, "mine").displayName).toBe("mine");
  });
});
