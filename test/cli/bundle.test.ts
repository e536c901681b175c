/**
 * The CLI ships bundled (scripts/bundle.ts): every child-process test in test/cli runs that bundle.
 * These check what only the bundling could break: the bin it installs, the version it reports, and
 * yargs' translated messages, which yargs reads from files next to its own (bundled) module.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CliRunner, REPO } from "./helpers.js";

let cli: CliRunner;
beforeAll(async () => {
  cli = await CliRunner.create("eo-cli-bundle-");
});
afterAll(async () => {
  await cli?.dispose();
});

describe("the bundled CLI", () => {
  it("is the bin package.json installs, and reports the package's version", async () => {
    const pkg = JSON.parse(await readFile(join(REPO, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
    expect(join(REPO, pkg.bin["entra-onboard"] ?? "")).toBe(BIN);
    const r = await cli.run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("finds yargs' translations: a German locale gets yargs' German usage errors, as from node_modules", async () => {
    const r = await cli.run(["plan", "--bogus"], { env: { LC_ALL: "de_DE.UTF-8" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: Unbekanntes Argument: bogus. Run 'entra-onboard --help' for usage.\n");
  });
});
