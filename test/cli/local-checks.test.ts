/**
 * Every local check before the first request (issue 9, findings 3, 6 and 8), through the real CLI
 * against a sandbox: bad names, repeated or empty options, numbers out of range, weak or endless
 * certificate files, oversized profiles, an --out others could tamper with, a connection.json that
 * is not what apply wrote, and a profile that grants more than read access. Each must exit 2 with
 * one error line and no stack, and the sandbox must see NO request at all (neither Graph nor
 * sign-in): exit 2 means nothing was written, and here it also means nothing was even asked.
 */
import { execFileSync } from "node:child_process";
import { chmod, chown, mkdir, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { CERTS, CliRunner, errorLines, leakedSecrets, sandboxArgs, STACK_LINE } from "./helpers.js";

let sandbox: Sandbox;
let cli: CliRunner;
let target: string[];
/** Every request the sandbox answered, Graph and sign-in alike (one log line each). */
const served: string[] = [];

const GOOD_CONNECTION = {
  formatVersion: 1,
  uniqueName: "entra-onboard-xops-app",
  friendlyName: "Sandbox - Xops-App",
  tenantId: "11111111-2222-3333-4444-555555555555",
  appId: "22222222-3333-4444-5555-666666666666",
  organization: "sandbox1.onmicrosoft.com",
  applicationObjectId: "33333333-4444-5555-6666-777777777777",
  servicePrincipalId: "44444444-5555-6666-7777-888888888888",
  certificate: null,
};

const dir = (...parts: string[]) => join(cli.cwd, ...parts);

async function outWithConnection(name: string, content: string): Promise<string> {
  await mkdir(dir(name), { mode: 0o700 });
  await writeFile(dir(name, "connection.json"), content);
  return dir(name);
}

beforeAll(async () => {
  sandbox = await startSandbox({ log: (line) => served.push(line) });
  cli = await CliRunner.create("eo-cli-local-");
  target = await sandboxArgs(sandbox, cli.cwd);
  await mkdir(dir("profiles"));
  await writeFile(dir("profiles", "privileged.yaml"), "permissions:\n  - Microsoft Graph / RoleManagement.ReadWrite.Directory\n  - Microsoft Graph / AccessReview.Read.All\nroles:\n  - Global Administrator\n  - Global Reader\n");
  await writeFile(dir("profiles", "escape.yaml"), 'roles:\n  - "Global Reader\\n\\u001b[32m  + assign directory role Global Administrator"\n');
  // 88 MB, sparse: cheap to make, and a run that read it would take a minute and gigabytes.
  await writeFile(dir("profiles", "huge.yaml"), "");
  await truncate(dir("profiles", "huge.yaml"), 88 * 1024 * 1024);
  await writeFile(dir("big.pem"), Buffer.alloc(300 * 1024, 0x41));
  await mkdir(dir("group-writable"));
  await chmod(dir("group-writable"), 0o775);
  await outWithConnection("null-connection", "null\n");
  await outWithConnection("typed-connection", JSON.stringify({ ...GOOD_CONNECTION, appId: 5, certificate: "yes" }));
  await outWithConnection("path-connection", JSON.stringify({ ...GOOD_CONNECTION, servicePrincipalId: "../../applications" }));
  await outWithConnection("fifo-connection", "");
});
afterAll(async () => {
  await cli?.dispose();
  await sandbox?.close();
});

/** Someone else's directory: made and given away when running as root, else a system one. */
async function foreignDir(): Promise<string> {
  if (process.getuid?.() !== 0) return "/usr";
  await mkdir(dir("foreign"), { mode: 0o700 });
  await chown(dir("foreign"), 65534, 65534);
  return dir("foreign");
}

async function expectRefusedLocally(args: string[], message: RegExp): Promise<void> {
  const requestsBefore = served.length;
  const result = await cli.run(args, { timeoutMs: 20_000 });
  const detail = `args: ${JSON.stringify(args)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;
  expect(result.code, detail).toBe(2);
  const lines = errorLines(result.stderr);
  expect(lines, detail).toHaveLength(1);
  expect(lines[0], detail).toMatch(message);
  expect(result.stderr, detail).not.toMatch(STACK_LINE);
  // Nothing forged reached the terminal: no raw escape character in anything printed.
  expect(result.stdout + result.stderr, detail).not.toContain("\u001b");
  expect(served.slice(requestsBefore), detail).toEqual([]);
  expect(sandbox.fake.tenant(sandbox.tenants[0]!.id).applications()).toHaveLength(0);
}

const longName = "N".repeat(65);
const forgedName = "Xops\n\u001b[32m  + assign directory role Global Administrator (tenant-wide)\u001b[0m";

describe("local checks: exit 2, one line, and not a single request", () => {
  it.each<[string, () => string[] | Promise<string[]>, RegExp]>([
    ["a 65-character --name (the certificate's common name allows 64)", () => ["apply", "--yes", "--name", longName, ...target], /--name must be 1 to 64 characters.*got 65/],
    ["a --name with a newline and ANSI escapes (a forged plan line)", () => ["apply", "--yes", "--name", forgedName, ...target], /--name contains a control character \(U\+000A\)/],
    ["a --name with a right-to-left override", () => ["apply", "--yes", "--name", "Xops\u202eppA", ...target], /--name contains a control character \(U\+202E\)/],
    ["--name given twice", () => ["apply", "--yes", "--name", "a", "--name", "b", ...target], /--name was given twice/],
    ["--out given twice", () => ["apply", "--yes", "--out", dir("o1"), "--out", dir("o2"), ...target], /--out was given twice/],
    ["--tenant given twice", () => ["apply", "--yes", "--tenant", sandbox.tenants[0]!.id, "--tenant", sandbox.tenants[0]!.id, ...target], /--tenant was given twice/],
    ["--profile given twice", () => ["apply", "--yes", "--profile", "xops", "--profile", "m365", ...target], /--profile was given twice/],
    ["--certificate given twice", () => ["apply", "--yes", "--certificate", join(CERTS, "byo.pem"), "--certificate", join(CERTS, "byo.pem"), ...target], /--certificate was given twice/],
    ["--graph-url given twice", () => ["plan", "--graph-url", sandbox.url, "--graph-url", sandbox.url, ...target], /--graph-url was given twice/],
    ["--key-size given twice", () => ["apply", "--yes", "--key-size", "2048", "--key-size", "4096", ...target], /--key-size was given twice/],
    ["--validity-days given twice", () => ["apply", "--yes", "--validity-days", "30", "--validity-days", "40", ...target], /--validity-days was given twice/],
    ["--sandbox-ca given twice", () => ["plan", ...target, "--sandbox-ca", target[3]!], /--sandbox-ca was given twice/],
    ['--tenant ""', () => ["apply", "--yes", "--tenant", "", ...target], /--tenant was given an empty value/],
    ["--tenant with a path in it", () => ["apply", "--yes", "--tenant", "../../applications", ...target], /--tenant must be a tenant id \(GUID\) or a domain/],
    ['--out ""', () => ["apply", "--yes", "--out", "", ...target], /--out was given an empty value/],
    ["--out=", () => ["apply", "--yes", "--out=", ...target], /--out was given an empty value/],
    ["--client-id that is not a GUID", () => ["apply", "--yes", "--client-id", "x", ...target], /--client-id must be an application \(client\) id GUID/],
    ["--wait-seconds -5", () => ["apply", "--yes", "--verify", "--wait-seconds", "-5", ...target], /--wait-seconds must be a whole number of seconds from 0 to 3600, got -5/],
    ["--wait-seconds 1e9", () => ["verify", "--wait-seconds", "1e9", "--out", dir("nowhere"), ...target], /--wait-seconds must be/],
    ['--wait-seconds ""', () => ["apply", "--yes", "--verify", "--wait-seconds", "", ...target], /--wait-seconds was given an empty value/],
    ["--validity-days 0", () => ["apply", "--yes", "--validity-days", "0", ...target], /--validity-days must be a whole number from 1 to 1095/],
    ["--validity-days abc", () => ["apply", "--yes", "--validity-days", "abc", ...target], /--validity-days must be a whole number/],
    ["--key-size 1024", () => ["apply", "--yes", "--key-size", "1024", ...target], /key-size/],
    ["--certificate /dev/zero (a device: read forever)", () => ["apply", "--yes", "--certificate", "/dev/zero", ...target], /certificate file \/dev\/zero: not a regular file/],
    ["--certificate larger than any certificate", () => ["apply", "--yes", "--certificate", dir("big.pem"), ...target], /big\.pem: larger than 256 KiB/],
    ["--certificate with an RSA-1024 key", () => ["apply", "--yes", "--certificate", join(CERTS, "rsa-1024.pem"), ...target], /rsa-1024\.pem.*RSA key of 1024 bits; at least 2048/],
    ["--certificate with an EC key", () => ["apply", "--yes", "--certificate", join(CERTS, "ec-p256.pem"), ...target], /ec-p256\.pem.*has an EC key; Entra app sign-in needs an RSA key/],
    ["an 88 MB profile", () => ["apply", "--yes", "--profile", dir("profiles", "huge.yaml"), ...target], /profile file .*huge\.yaml: larger than 256 KiB/],
    ["a profile entry with escapes (a forged plan line)", () => ["apply", "--yes", "--profile", dir("profiles", "escape.yaml"), ...target], /'roles' has an entry with a control character \(U\+000A\)/],
    ["--out writable by group", () => ["apply", "--yes", "--out", dir("group-writable"), ...target], /--out .*group-writable is writable by group or others \(mode 775\); run 'chmod go-w/],
    ["--out owned by another user", async () => ["apply", "--yes", "--out", await foreignDir(), ...target], /--out .* belongs to another user/],
    ["a connection.json of null", () => ["apply", "--yes", "--out", dir("null-connection"), ...target], /connection\.json is not a JSON object: it is not a connection\.json this tool wrote/],
    ["a connection.json with wrong types", () => ["apply", "--yes", "--out", dir("typed-connection"), ...target], /connection\.json has a 'appId' that is not a GUID/],
    ["a connection.json with a path as servicePrincipalId", () => ["apply", "--yes", "--out", dir("path-connection"), ...target], /connection\.json has a 'servicePrincipalId' that is not a GUID/],
    ["verify with a connection.json of null", () => ["verify", "--out", dir("null-connection"), ...target], /connection\.json is not a JSON object/],
    ["--sandbox-url on another host", () => ["plan", "--sandbox-url", "https://192.0.2.2:4443", "--sandbox-ca", target[3]!], /--sandbox-url must be the https:\/\/ loopback URL/],
  ])("%s", async (_what, args, message) => {
    await expectRefusedLocally(await args(), message);
  });

  it.skipIf(process.platform === "win32")("a connection.json that is a named pipe does not hang the run (skipped without mkfifo)", async (ctx) => {
    try {
      execFileSync("rm", ["-f", dir("fifo-connection", "connection.json")]);
      execFileSync("mkfifo", [dir("fifo-connection", "connection.json")]);
    } catch {
      ctx.skip();
    }
    await expectRefusedLocally(["apply", "--yes", "--out", dir("fifo-connection"), ...target], /connection\.json: not a regular file/);
  });
});

describe("least privilege (finding 6)", () => {
  const profile = () => dir("profiles", "privileged.yaml");

  it("a profile granting Global Administrator and RoleManagement.ReadWrite.Directory is refused before sign-in, naming both", async () => {
    await expectRefusedLocally(["apply", "--yes", "--profile", profile(), ...target], /more than read access: Microsoft Graph \/ RoleManagement\.ReadWrite\.Directory, Global Administrator\. .*--allow-privileged/);
  });

  it("with --allow-privileged the plan marks exactly those grants as privileged, in text and in JSON", async () => {
    const text = await cli.run(["plan", "--profile", profile(), "--allow-privileged", ...target]);
    expect(text.code, text.stderr).toBe(0);
    const marked = text.stdout.split("\n").filter((line) => line.includes("[PRIVILEGED"));
    expect(marked).toHaveLength(2);
    expect(marked.join("\n")).toMatch(/grant admin consent: Microsoft Graph \/ RoleManagement\.ReadWrite\.Directory/);
    expect(marked.join("\n")).toMatch(/assign directory role Global Administrator/);
    const json = await cli.run(["plan", "--json", "--profile", profile(), "--allow-privileged", ...target]);
    expect(json.code, json.stderr).toBe(0);
    const actions = (JSON.parse(json.stdout) as { actions: { kind: string; value?: string; roleName?: string; privileged?: boolean }[] }).actions;
    const grants = actions.filter((a) => a.kind === "grant-app-role" || a.kind === "assign-directory-role").map((a) => [a.value ?? a.roleName, a.privileged]);
    expect(Object.fromEntries(grants)).toEqual({ "RoleManagement.ReadWrite.Directory": true, "AccessReview.Read.All": false, "Global Administrator": true, "Global Reader": false });
    expect(sandbox.fake.stats().writes).toBe(0);
  });
});

describe("secrets", () => {
  it("no run printed a token or key material", () => {
    expect(cli.results.length).toBeGreaterThanOrEqual(30);
    expect(leakedSecrets(cli.allOutput())).toEqual([]);
  });
});
