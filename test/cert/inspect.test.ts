import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { inspectCertificate, parseCertificateFile, thumbprintOfKeyCredentialKey } from "../../src/cert/inspect.js";
import { InputError } from "../../src/shared/errors.js";
import { fixture } from "./helpers.js";

const byoDer = readFileSync(fixture("byo.cer"));
const byoPem = readFileSync(fixture("byo.pem"));
const byoThumbprint = new X509Certificate(byoDer).fingerprint.replaceAll(":", "");

function inputErrorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error("expected an InputError");
}

describe("parseCertificateFile", () => {
  it("reads DER", () => {
    const info = parseCertificateFile(byoDer, "byo.cer");
    expect(info.thumbprint).toBe(byoThumbprint);
    expect(info.subject).toBe("CN=BYO Test");
    expect(info.notBefore.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(info.notAfter.toISOString()).toBe("2099-01-01T00:00:00.000Z");
    expect(Buffer.from(info.der).equals(byoDer)).toBe(true);
  });

  it("reads PEM (also with CRLF line ends and a BOM) to the same certificate", () => {
    expect(parseCertificateFile(byoPem, "byo.pem").thumbprint).toBe(byoThumbprint);
    const windows = Buffer.from("\uFEFF" + byoPem.toString().replaceAll("\n", "\r\n"));
    expect(parseCertificateFile(windows, "byo.crt").thumbprint).toBe(byoThumbprint);
    expect(parseCertificateFile(byoPem, "byo.pem").pem).toBe(byoPem.toString());
  });

  it("uses the first certificate of a chain", () => {
    const chain = Buffer.concat([byoPem, readFileSync(fixture("foreign.pem"))]);
    expect(parseCertificateFile(chain, "chain.pem").thumbprint).toBe(byoThumbprint);
  });

  it("reads bare base64 of the DER", () => {
    expect(parseCertificateFile(Buffer.from(byoDer.toString("base64")), "byo.b64").thumbprint).toBe(byoThumbprint);
  });

  it("refuses a PEM holding a private key, naming the file", () => {
    const error = inputErrorOf(() => parseCertificateFile(readFileSync(fixture("with-private-key.pem")), "with-private-key.pem"));
    expect(error.message).toContain("with-private-key.pem holds a private key");
    expect(error.message).not.toContain("\n");
    // A bare key file, and the legacy "RSA PRIVATE KEY" label, too.
    inputErrorOf(() => parseCertificateFile(readFileSync(fixture("byo.key.pem")), "byo.key.pem"));
    inputErrorOf(() => parseCertificateFile(Buffer.from("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"), "k.pem"));
  });

  it("refuses a .pfx as a private-key bundle", () => {
    expect(inputErrorOf(() => parseCertificateFile(byoDer, "bundle.pfx")).message).toContain("private key");
  });

  it("refuses garbage, naming the file and the accepted formats", () => {
    const error = inputErrorOf(() => parseCertificateFile(readFileSync(fixture("garbage.cer")), "garbage.cer"));
    expect(error.message).toContain("garbage.cer");
    expect(error.message).toMatch(/DER.*PEM/);
    inputErrorOf(() => parseCertificateFile(Buffer.from("hello world"), "x.pem"));
    inputErrorOf(() => parseCertificateFile(new Uint8Array(), "empty.cer"));
    inputErrorOf(() => parseCertificateFile(Buffer.from("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "bad.pem"));
  });
});

describe("inspectCertificate", () => {
  it("throws InputError on non-certificates", () => {
    inputErrorOf(() => inspectCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])));
  });
});

describe("thumbprintOfKeyCredentialKey", () => {
  it("accepts base64 of DER and base64 of PEM text", () => {
    expect(thumbprintOfKeyCredentialKey(byoDer.toString("base64"))).toBe(byoThumbprint);
    expect(thumbprintOfKeyCredentialKey(byoPem.toString("base64"))).toBe(byoThumbprint);
  });

  it("returns undefined for anything else", () => {
    expect(thumbprintOfKeyCredentialKey("")).toBeUndefined();
    expect(thumbprintOfKeyCredentialKey(Buffer.from("not a cert").toString("base64"))).toBeUndefined();
    expect(thumbprintOfKeyCredentialKey(readFileSync(fixture("garbage.cer")).toString("base64"))).toBeUndefined();
  });
});
