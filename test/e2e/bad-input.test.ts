import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apply, plan, type ApplyOptions } from "../../src/core/pipeline.js";
import { ExitCode, InputError } from "../../src/shared/errors.js";
import { createHarness } from "../support/harness.js";
import { fixture, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

async function profileFile(name: string, text: string): Promise<string> {
  const path = join(await dirs.make("eo-profile-"), name);
  await writeFile(path, text);
  return path;
}

/** apply with these options must fail with an InputError (exit 2) matching `message`, and write nothing. */
async function expectInputError(options: ApplyOptions, message: RegExp): Promise<void> {
  const h = createHarness(msw.server);
  const out = options.outDir ?? (await dirs.make());
  for (const run of [plan, apply]) {
    const error = await run(h.session(), { ...options, outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.InvalidInput);
    expect((error as Error).message).toMatch(message);
  }
  expect(h.fake.stats().writes).toBe(0);
  expect(h.tenant.applications()).toHaveLength(0);
}

describe("bad input is an InputError (exit 2) and nothing is written", () => {
  it("unknown profile name", async () => {
    await expectInputError({ profile: "xopz" }, /Unknown profile 'xopz'.*xops/);
  });

  it("unknown permission value on a resource names the closest matches", async () => {
    const path = await profileFile("p.yaml", "permissions:\n  - Microsoft Graph / AccessReview.Read.Al\n");
    // Not on the read-only allow-list, so refused before sign-in, with the likely meaning...
    await expectInputError({ profile: path }, /more than read access: Microsoft Graph \/ AccessReview\.Read\.Al \(did you mean 'AccessReview\.Read\.All'\?\)/);
    // ...and with --allow-privileged, the tenant's own list of permissions names the closest ones.
    await expectInputError({ profile: path, allowPrivileged: true }, /AccessReview\.Read\.Al.*Closest matches.*AccessReview\.Read\.All/);
  });

  it("unknown API name in a permission", async () => {
    const path = await profileFile("p.json", JSON.stringify({ permissions: ["Microsoft Grahp / Directory.Read.All"] }));
    await expectInputError({ profile: path }, /unknown API 'Microsoft Grahp'/);
  });

  it("unknown role name", async () => {
    const path = await profileFile("p.yaml", "roles:\n  - Global Reeder\n");
    await expectInputError({ profile: path }, /more than read access: Global Reeder \(did you mean 'Global Reader'\?\)/);
    await expectInputError({ profile: path, allowPrivileged: true }, /Unknown directory role 'Global Reeder'.*Global Reader/);
  });

  it("malformed profile file", async () => {
    const path = await profileFile("p.yaml", "permissions: [unclosed\n");
    await expectInputError({ profile: path }, /not valid YAML/);
  });

  it.each([
    ["expired.pem", /expired on 2021-01-01/],
    ["future.pem", /not valid until 2090-01-01/],
    ["with-private-key.pem", /holds a private key/],
    ["garbage.cer", /garbage\.cer is not a certificate|Not a valid X\.509 certificate/],
    ["rsa-1024.pem", /RSA key of 1024 bits; at least 2048/],
    ["ec-p256.pem", /has an EC key/],
  ])("certificate fixture %s", async (file, message) => {
    await expectInputError({ certificate: fixture(file) }, message);
  });

  it("missing certificate file", async () => {
    await expectInputError({ certificate: fixture("no-such.cer") }, /no-such\.cer/);
  });

  it.each([0, 1096, 1.5])("validityDays %s", async (validityDays) => {
    await expectInputError({ validityDays }, /validity-days/);
  });

  it("an --out under a regular file", async () => {
    const file = join(await dirs.make(), "a-file");
    await writeFile(file, "x");
    await expectInputError({ outDir: join(file, "out") }, /--out .* (not a directory|not writable)/);
  });

  it.each<[string, ApplyOptions, RegExp]>([
    ["a 65-character name (the certificate's common name allows 64)", { name: "N".repeat(65) }, /--name must be 1 to 64 characters/],
    ["a name with a newline and an escape", { name: "Xops\n\u001b[31mApp" }, /--name contains a control character \(U\+000A\)/],
    ["a key size the generator refuses", { keySize: 1024 as unknown as 2048 }, /--key-size must be 2048, 3072 or 4096/],
    [
      "a profile granting more than read access",
      { profile: { name: "admin", permissions: [], roles: ["Global Administrator", "Global Reader"] } },
      /Profile admin grants more than read access: Global Administrator\. .*--allow-privileged/,
    ],
  ])("%s", async (_what, options, message) => {
    await expectInputError(options, message);
  });

  it("an --out others may write to, or holding a connection.json this tool did not write", async () => {
    const open = await dirs.make();
    await chmod(open, 0o777);
    await expectInputError({ outDir: open }, /--out .* is writable by group or others \(mode 777\)/);
    const tampered = await dirs.make();
    await writeFile(join(tampered, "connection.json"), JSON.stringify({ formatVersion: 1, uniqueName: "entra-onboard-xops-app", tenantId: "x", appId: "y", applicationObjectId: "z" }));
    await expectInputError({ outDir: tampered }, /connection\.json has a 'tenantId' that is not a GUID/);
  });

  it("a tenant id that is not the signed-in tenant", async () => {
    await expectInputError({ tenant: "11111111-2222-3333-4444-555555555555" }, /Signed in to tenant/);
  });

  it("a tenant domain the signed-in tenant does not have", async () => {
    await expectInputError({ tenant: "fabrikam.onmicrosoft.com" }, /no domain fabrikam\.onmicrosoft\.com/);
  });
});
