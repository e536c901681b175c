import { readFile, readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";

// CLI start-up is measured: @peculiar/x509 and reflect-metadata (~75 ms to load, ~250 ms on a busy
// machine) are for tests and scripts only; src/cert encodes and reads certificates with node:crypto.
describe("src/cert import cost", () => {
  it("has no static value import of @peculiar/* or reflect-metadata", async () => {
    const dir = new URL("../../src/cert/", import.meta.url);
    const offenders: string[] = [];
    for (const name of await readdir(dir)) {
      if (!name.endsWith(".ts")) continue;
      const source = await readFile(new URL(name, dir), "utf8");
      for (const line of source.split("\n")) {
        if (/^\s*(import|export)\s(?!type\s)[^;]*["'](@peculiar\/[^"']+|reflect-metadata)["']/.test(line)) offenders.push(`${name}: ${line}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("loads every src/cert module without pulling in @peculiar/x509's Reflect polyfill", async () => {
    const before = typeof (Reflect as { getMetadata?: unknown }).getMetadata;
    await import("../../src/cert/inspect.js");
    await import("../../src/cert/load.js");
    await import("../../src/cert/files.js");
    await import("../../src/cert/key-credential.js");
    await import("../../src/cert/generate.js");
    expect(before).toBe("undefined");
    expect(typeof (Reflect as { getMetadata?: unknown }).getMetadata).toBe("undefined");
  });
});
