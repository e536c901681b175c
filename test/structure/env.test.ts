/**
 * .env.example lists every environment variable src/ reads, each with a comment line above it. The
 * first test proves the scanner finds each way the code reads one, so the last one can fail.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envFileNames, envVarsRead, REPO, sourceFiles, stringConstants } from "./source-scan.js";

const ENV_EXAMPLE = join(REPO, ".env.example");

describe("the environment-variable scanner", () => {
  it("finds env.X, env?.X, env[\"X\"] and env[CONSTANT], and skips comments", () => {
    const source = [
      "if (process.env.ALPHA) run();",
      "const b = ctx.env?.BRAVO;",
      'const c = env["CHARLIE"];',
      "const d = options.env[DELTA_ENV];",
      "// env.IN_A_COMMENT",
    ].join("\n");
    expect(envVarsRead(source, stringConstants(['export const DELTA_ENV = "DELTA";']))).toEqual(["ALPHA", "BRAVO", "CHARLIE", "DELTA"]);
    expect(envVarsRead("env[UNKNOWN]")).toEqual(["unresolved constant UNKNOWN"]);
  });
});

describe(".env.example", () => {
  const text = readFileSync(ENV_EXAMPLE, "utf8");

  it("lists every environment variable read in src/", () => {
    const sources = sourceFiles().map((file) => readFileSync(file, "utf8"));
    const constants = stringConstants(sources);
    const read = [...new Set(sources.flatMap((source) => envVarsRead(source, constants)))].sort();
    // The variables the issue names are among them (the scanner reaches src/auth and src/cli).
    expect(read).toEqual(expect.arrayContaining(["ENTRA_ONBOARD_ACCESS_TOKEN", "ENTRA_ONBOARD_GRAPH_URL", "NO_COLOR", "SSH_CONNECTION"]));
    expect(read.filter((name) => !envFileNames(text).includes(name))).toEqual([]);
  });

  it("gives each variable a comment and no value", () => {
    const lines = text.split("\n");
    for (const [i, line] of lines.entries()) {
      if (!/^[A-Z][A-Z0-9_]*=/.test(line)) continue;
      expect(line, `${line} must have no value`).toMatch(/=$/);
      expect(lines[i - 1], `${line} needs a comment line above it`).toMatch(/^# \S/);
    }
  });
});
