/**
 * Bad input through the real CLI process: exit 2, one "error:" line on stderr, no stack trace, and
 * nothing written to the (sandbox) tenant. Only --verbose may add a stack.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CERTS, CliRunner, errorLines, leakedSecrets, sandboxArgs, STACK_LINE, type CliResult } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];

beforeAll(async () => {
  sandbox = await startSandbox();
  cli = await CliRunner.create("eo-cli-bad-");
  target = await sandboxArgs(sandbox, cli.cwd);
  await mkdir(join(cli.cwd, "profiles"));
  await writeFile(join(cli.cwd, "profiles", "broken.yaml"), "permissions: [\n  - Microsoft Graph / AccessReview.Read.All\nroles: Global Reader\n");
  await writeFile(join(cli.cwd, "profiles", "typo-permission.yaml"), 'permissions:\n  - "Microsoft Graph / AccessReview.Read.Alll"\nroles:\n  - Global Reader\n');
  await writeFile(join(cli.cwd, "profiles", "typo-role.yaml"), 'permissions:\n  - "Microsoft Graph / AccessReview.Read.All"\nroles:\n  - Global Readr\n');
  await writeFile(join(cli.cwd, "a-file"), "not a directory\n");
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

/** Runs the CLI and checks the bad-input contract; returns the single error line. */
async function expectBadInput(args: string[], env: Record<string, string> = {}): Promise<{ line: string; result: CliResult }> {
  const before = sandbox.fake.requests.length;
  const result = await cli.run(args, { env });
  const detail = `args: ${args.join(" ")}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, detail).toBe(2);
  const lines = errorLines(result.stderr);
  expect(lines, detail).toHaveLength(1);
  expect(result.stderr, detail).not.toMatch(STACK_LINE);
  expect(sandbox.fake.stats(before).writes, detail).toBe(0);
  expect(sandbox.fake.tenant(sandbox.tenants[0]!.id).applications()).toHaveLength(0);
  return { line: lines[0]!, result };
}

describe("bad input: exit 2, one error line, no stack, nothing written", () => {
  it("unknown built-in profile", async () => {
    const { line } = await expectBadInput(["apply", "--yes", "--profile", "m356", ...target]);
    expect(line).toContain("m356");
    expect(line).toContain("m365");
  });

  it("profile file with a YAML syntax error", async () => {
    const { line } = await expectBadInput(["apply", "--yes", "--profile", "profiles/broken.yaml", ...target]);
    expect(line).toMatch(/broken\.yaml/);
    expect(line).toMatch(/YAML/i);
  });

  it("profile naming an unknown permission suggests the closest one", async () => {
    const { line } = await expectBadInput(["apply", "--yes", "--profile", "profiles/typo-permission.yaml", ...target]);
    expect(line).toContain("AccessReview.Read.Alll");
    expect(line).toContain("'AccessReview.Read.All'");
  });

  it("profile naming an unknown directory role suggests the closest one", async () => {
    const { line } = await expectBadInput(["apply", "--yes", "--profile", "profiles/typo-role.yaml", ...target]);
    expect(line).toContain("Global Readr");
    expect(line).toContain("Global Reader");
  });

  it.each([
    ["garbage", "garbage.cer"],
    ["expired", "expired.pem"],
    ["a private key", "with-private-key.pem"],
  ])("--certificate with %s", async (_what, file) => {
    const { line } = await expectBadInput(["apply", "--yes", "--certificate", join(CERTS, file), ...target]);
    expect(line).toContain(file);
  });

  it("--auth access-token without ENTRA_ONBOARD_ACCESS_TOKEN", async () => {
    const { line } = await expectBadInput(["plan", "--auth", "access-token", "--graph-url", sandbox.graphUrl]);
    expect(line).toContain("ENTRA_ONBOARD_ACCESS_TOKEN");
  });

  it("--tenant that is not the sandbox's tenant", async () => {
    const other = "11111111-2222-3333-4444-555555555555";
    const { line, result } = await expectBadInput(["apply", "--yes", "--tenant", other, ...target]);
    expect(line).toContain(other);
    expect(result.stderr).not.toMatch(/^undefined$/m);
  });

  it("--out under a regular file", async () => {
    const { line } = await expectBadInput(["apply", "--yes", "--out", join(cli.cwd, "a-file", "out"), ...target]);
    expect(line).toContain("--out");
  });

  it("unknown command and unknown option", async () => {
    const command = await expectBadInput(["aply", "--yes"]);
    // yargs answers a near miss with the closest command, which is the fix the user needs.
    expect(command.line).toContain("apply");
    const option = await expectBadInput(["plan", "--frobnicate", ...target]);
    expect(option.line).toContain("frobnicate");
  });

  it("apply without --yes when stdin is not a terminal", async () => {
    const { line } = await expectBadInput(["apply", ...target]);
    expect(line).toContain("--yes");
  });

  it("--verbose may add a stack trace, still exit 2", async () => {
    const before = sandbox.fake.requests.length;
    const r = await cli.run(["apply", "--yes", "--verbose", "--certificate", join(CERTS, "garbage.cer"), ...target]);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(STACK_LINE);
    expect(sandbox.fake.stats(before).writes).toBe(0);
  });

  it("never printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(12);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
