import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPublicCertificate } from "../../src/cert/load.js";
import { InputError } from "../../src/shared/errors.js";
import { fixture } from "./helpers.js";

const NOW = new Date("2026-01-15T12:00:00Z");

describe("loadPublicCertificate", () => {
  it("loads a current certificate from DER and PEM", async () => {
    const der = await loadPublicCertificate(fixture("byo.cer"), NOW);
    const pem = await loadPublicCertificate(fixture("byo.pem"), NOW);
    expect(der.subject).toBe("CN=BYO Test");
    expect(pem.thumbprint).toBe(der.thumbprint);
  });

  it("refuses an expired certificate, saying when it expired", async () => {
    const error = await loadPublicCertificate(fixture("expired.pem"), NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("expired on 2021-01-01T00:00:00Z");
  });

  it("refuses a certificate that is not valid yet", async () => {
    const error = await loadPublicCertificate(fixture("future.pem"), NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("not valid until 2090-01-01T00:00:00Z");
    // ...and accepts it once "now" is inside its window.
    await expect(loadPublicCertificate(fixture("future.pem"), new Date("2095-01-01T00:00:00Z"))).resolves.toBeDefined();
  });

  it("reports a missing file with its path and the reason", async () => {
    const path = fixture("does-not-exist.cer");
    const error = await loadPublicCertificate(path, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain("no such file");
  });

  it("reports a directory passed as the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cert-load-"));
    try {
      await expect(loadPublicCertificate(dir, NOW)).rejects.toThrow(InputError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses the private-key and garbage fixtures", async () => {
    await expect(loadPublicCertificate(fixture("with-private-key.pem"), NOW)).rejects.toThrow(/holds a private key/);
    await expect(loadPublicCertificate(fixture("garbage.cer"), NOW)).rejects.toThrow(InputError);
  });
});
