/**
 * The platform's flow at a terminal, through the in-process CLI with the terminal's answers
 * injected (the same runCli the entry point calls): apply asks for the platform's certificate only
 * after the app, consent and role are in place, showing the form's values; a bad path is asked
 * again; Enter generates one; --pfx asks for its passphrase, hidden, before signing in.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cert/generate.js";
import { runCli } from "../../src/cli/cli.js";
import type { CliIo } from "../../src/cli/context.js";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { sandboxArgs } from "./helpers.js";

let sandbox: Sandbox;
let dir: string;
let target: string[];

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), "eo-cli-prompt-"));
  target = await sandboxArgs(sandbox, dir);
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

const tenant = () => sandbox.fake.tenant(sandbox.tenants[0]!.id);

/** A terminal whose person answers `answers` in turn; every question is kept, with the tenant's state when it was asked. */
function terminal(answers: string[], hidden: string[] = []) {
  const seen = { stdout: "", stderr: "", questions: [] as string[], hiddenQuestions: [] as string[], appsWhenAsked: [] as unknown[] };
  const io: CliIo = {
    stdout: (t) => void (seen.stdout += t),
    stderr: (t) => void (seen.stderr += t),
    env: { ENTRA_ONBOARD_CACHE_DIR: join(dir, "cache"), ENTRA_ONBOARD_KEYRING: "none", NO_COLOR: "1" },
    isInteractive: true,
    prompt: async (question) => {
      seen.questions.push(question);
      if (/certificate the platform generated/.test(question)) {
        const app = tenant().applications().find((a) => a.displayName === "Prompt-App");
        const sp = app ? tenant().servicePrincipalByAppId(app.appId) : undefined;
        seen.appsWhenAsked.push({ certificates: app ? tenant().keyCredentials(app.appId).length : -1, grants: sp ? tenant().appRoleAssignmentsFor(sp.id).length : -1, roles: sp ? tenant().roleAssignmentsFor(sp.id).length : -1 });
      }
      return answers.shift() ?? "";
    },
    promptHidden: async (question) => {
      seen.hiddenQuestions.push(question);
      return hidden.shift() ?? "";
    },
    waitForInterrupt: async () => undefined,
  };
  return { io, seen };
}

describe("apply on a terminal without a certificate option", () => {
  it("asks for the platform's certificate after everything else, with the form's values; a bad path is asked again", async () => {
    const notBefore = new Date(Date.now() - 60_000);
    const platform = await createSelfSignedCertificate({ commonName: "Prompt platform", keySizeBits: 2048, notBefore, notAfter: new Date(notBefore.getTime() + 365 * 86_400_000) });
    const cerPath = join(dir, "platform download.cer");
    await writeFile(cerPath, platform.der);
    const out = join(dir, "prompt-out");
    const { io, seen } = terminal(["yes", join(dir, "no-such.cer"), `"${cerPath}"`]);

    const code = await runCli(["apply", "--name", "Prompt-App", "--out", out, ...target], io);
    expect(code, seen.stderr).toBe(0);
    expect(seen.questions).toEqual([
      expect.stringMatching(/^Apply these changes/),
      expect.stringMatching(/^Path of the certificate the platform generated \(Enter: generate one here instead\)/),
      expect.stringMatching(/^Path of the certificate the platform generated/),
    ]);
    // When asked, the app, both consents and Global Reader were there, and no certificate.
    expect(seen.appsWhenAsked[0]).toEqual({ certificates: 0, grants: 2, roles: 1 });
    const app = tenant().applications().find((a) => a.displayName === "Prompt-App")!;
    expect(seen.stderr).toContain("The certificate comes after these changes");
    expect(seen.stderr).toMatch(new RegExp(`Application ID:\\s+${app.appId}`));
    expect(seen.stderr).toMatch(/Organisation name:\s+sandbox1\.onmicrosoft\.com/);
    expect(seen.stderr).toContain('"Generate Public Key & Download"');
    expect(seen.stderr).toMatch(/error: Cannot read certificate file .*no-such\.cer/);
    expect(tenant().keyCredentials(app.appId).map((k) => k.customKeyIdentifier)).toEqual([platform.thumbprint]);
    expect(seen.stdout).toContain(`Thumbprint (SHA-1): ${platform.thumbprint}`);
    const saved = JSON.parse(await readFile(join(out, "connection.json"), "utf8"));
    expect(saved.certificate).toMatchObject({ thumbprint: platform.thumbprint, source: "brought" });

    // Next time the connection has its certificate: no question but the confirmation (and none is needed).
    const again = terminal([]);
    expect(await runCli(["apply", "--name", "Prompt-App", "--out", out, ...target], again.io)).toBe(0);
    expect(again.seen.questions).toEqual([]);
  });

  it("Enter generates one here; --pfx asks for its passphrase twice, hidden, and writes the PFX", async () => {
    const out = join(dir, "enter-out");
    const { io, seen } = terminal(["yes", ""], ["s3cret passphrase", "s3cret passphrase"]);
    const code = await runCli(["apply", "--name", "Enter-App", "--pfx", "--out", out, ...target], io);
    expect(code, seen.stderr).toBe(0);
    expect(seen.hiddenQuestions).toEqual(["Passphrase for the PFX file: ", "Repeat the passphrase: "]);
    expect(seen.stdout).toMatch(/Private key:\s+.*private-key\.pem/);
    expect(seen.stdout).toMatch(/PFX:\s+.*certificate\.pfx/);
    expect(seen.stdout + seen.stderr).not.toContain("s3cret");
  });

  it("--yes on a terminal asks nothing and generates, as a script run does", async () => {
    const { io, seen } = terminal([]);
    expect(await runCli(["apply", "--yes", "--name", "Yes-App", "--out", join(dir, "yes-out"), ...target], io)).toBe(0);
    expect(seen.questions).toEqual([]);
    expect(seen.stdout).toMatch(/Private key:\s+.*private-key\.pem/);
  });
});
