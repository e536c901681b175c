/**
 * The tenants file: CSV or YAML, relative paths from the file's directory, the command line's
 * defaults under each row, and every bad row reported at once with its line and reason.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TENANTS, readTenantsFile } from "../../src/bulk/tenants-file.js";
import { InputError } from "../../src/shared/errors.js";
import { REPO } from "../cli/helpers.js";

const NOW = new Date("2026-06-01T00:00:00Z");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eo-tenants-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/** The error's bad-row list, one entry per row. */
async function badRows(path: string): Promise<string[]> {
  const error = await readTenantsFile(path, {}, NOW).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message).not.toContain("\n");
  return message.slice(message.indexOf("): ") + 3).split(" | ");
}

describe("the sample files in fixtures/", () => {
  it("tenants.csv and tenants.yaml describe the same fleet, paths relative to the file", async () => {
    const csv = await readTenantsFile(join(REPO, "fixtures", "tenants.csv"), { profile: "xops" }, NOW);
    const yaml = await readTenantsFile(join(REPO, "fixtures", "tenants.yaml"), { profile: "xops" }, NOW);
    const view = (rows: typeof csv.rows) => rows.map((r) => ({ tenant: r.tenant, friendlyName: r.friendlyName, profile: r.desired.profile.name, name: r.desired.displayName, certificate: r.desired.certificate.mode }));
    expect(view(csv.rows)).toEqual(view(yaml.rows));
    expect(view(csv.rows)).toEqual([
      { tenant: "sandbox1.onmicrosoft.com", friendlyName: "Contoso Ltd", profile: "xops", name: "Xops-App", certificate: "generate" },
      { tenant: "sandbox2.onmicrosoft.com", friendlyName: "Fabrikam, Inc.", profile: "m365", name: "Xops-App", certificate: "generate" },
      { tenant: "sandbox3.onmicrosoft.com", friendlyName: "Northwind Traders", profile: "entra-id", name: "Xops-Reader", certificate: "generate" },
      { tenant: "sandbox4.onmicrosoft.com", friendlyName: "Tailspin Toys", profile: "xops", name: "Xops-App", certificate: "file" },
      { tenant: "d3148866-dd02-52df-9e12-28419219137f", friendlyName: "Woodgrove Bank", profile: "xops", name: "Xops-App", certificate: "generate" },
    ]);
    const byo = csv.rows[3]?.desired.certificate;
    expect(byo?.mode === "file" ? byo.path : "").toBe(join(REPO, "fixtures", "certs", "byo.cer"));
    expect(csv.rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6]);
    expect(yaml.rows.map((r) => r.line)).toEqual([6, 8, 11, 15, 18]);
  });

  it("the command line's values apply where a row leaves a column empty", async () => {
    const path = await file("defaults.csv", "Tenant ID,Friendly Name,name\r\ncontoso.onmicrosoft.com,,\r\nfabrikam.onmicrosoft.com,,Own-Name\r\n");
    const fleet = await readTenantsFile(path, { name: "Fleet-App", profile: "m365", validityDays: 30 }, NOW);
    expect(fleet.rows.map((r) => [r.desired.displayName, r.desired.profile.name])).toEqual([["Fleet-App", "m365"], ["Own-Name", "m365"]]);
    expect(fleet.rows[0]?.desired.certificate).toMatchObject({ mode: "generate", validityDays: 30 });
  });
});

describe("bad rows: every one reported with its line and reason, nothing accepted", () => {
  it("CSV: every kind of bad row at once", async () => {
    const profile = await file("bad-profile.yaml", "permissions:\n  - Nope / Nothing\n");
    const path = await file(
      "bad.csv",
      [
        "tenant,friendlyName,profile,name,certificate",
        ",No tenant,,,", // 2
        "not a domain,,,,", // 3
        "ok.onmicrosoft.com,,,,", // 4
        "OK.onmicrosoft.com,,,,", // 5 duplicate (case-insensitive)
        "p.onmicrosoft.com,,no-such-profile,,", // 6
        "q.onmicrosoft.com,,missing.yaml,,", // 7
        `r.onmicrosoft.com,,${profile},,`, // 8
        "s.onmicrosoft.com,,,,missing.cer", // 9
        `t.onmicrosoft.com,,,,${join(REPO, "fixtures", "certs", "garbage.cer")}`, // 10
        `u.onmicrosoft.com,,,${"x".repeat(121)},`, // 11
        `v.onmicrosoft.com,${"n".repeat(300)},,,`, // 12
        "w.onmicrosoft.com,,,,,extra", // 13
        `x.onmicrosoft.com,,,,${join(REPO, "fixtures", "certs", "expired.pem")}`, // 14
        "",
      ].join("\r\n"),
    );
    const rows = await badRows(path);
    expect(rows.map((r) => r.split(":")[0])).toEqual(["line 2", "line 3", "line 5", "line 6", "line 7", "line 8", "line 9", "line 10", "line 11", "line 12", "line 13", "line 14"]);
    expect(rows[0]).toMatch(/'tenant' is empty/);
    expect(rows[1]).toMatch(/neither a tenant id .* nor a domain/);
    expect(rows[2]).toMatch(/already on line 4/);
    expect(rows[3]).toMatch(/Unknown profile 'no-such-profile'/);
    expect(rows[4]).toMatch(/Cannot read profile file .*missing\.yaml/);
    expect(rows[5]).toMatch(/unknown API 'Nope'/);
    expect(rows[6]).toMatch(/Cannot read certificate file .*missing\.cer/);
    expect(rows[7]).toMatch(/garbage\.cer/);
    expect(rows[8]).toMatch(/name must be 1 to 64 characters/);
    expect(rows[9]).toMatch(/friendlyName must be at most 256/);
    expect(rows[10]).toMatch(/6 fields but the header has 5 columns/);
    expect(rows[11]).toMatch(/expired/i);
  });

  it("YAML: not a mapping, not text, unknown keys, duplicates", async () => {
    const path = await file("bad.yaml", ["- tenant: a.onmicrosoft.com", "- just-a-string", "- tenant: [1, 2]", "- tenant: b.onmicrosoft.com", "  colour: blue", "- tenant: A.onmicrosoft.com", ""].join("\n"));
    const rows = await badRows(path);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/^line 2: each entry must be a mapping/);
    expect(rows[1]).toMatch(/^line 3: 'tenant' must be text/);
    expect(rows[2]).toMatch(/^line 4: unknown key 'colour'/);
    expect(rows[3]).toMatch(/^line 6: tenant 'A.onmicrosoft.com' is already on line 1/);
  });

  it("the header, the shape and the size of the file", async () => {
    await expect(readTenantsFile(await file("hdr.csv", "tenat,friendlyName\r\na.onmicrosoft.com,A\r\n"), {}, NOW)).rejects.toThrow(/line 1 \(the header row\): unknown column 'tenat'.*Closest matches: 'tenant'.*; no 'tenant' column/);
    await expect(readTenantsFile(await file("empty.csv", "tenant\r\n"), {}, NOW)).rejects.toThrow(/lists no tenants/);
    await expect(readTenantsFile(await file("map.yaml", "tenant: a.onmicrosoft.com\n"), {}, NOW)).rejects.toThrow(/must be a YAML list/);
    await expect(readTenantsFile(await file("broken.yaml", "- tenant: [a\n"), {}, NOW)).rejects.toThrow(/not valid YAML \(line \d+\)/);
    await expect(readTenantsFile(join(dir, "absent.csv"), {}, NOW)).rejects.toThrow(/Cannot read tenants file .*absent\.csv: no such file/);
    const many = ["tenant", ...Array.from({ length: MAX_TENANTS + 1 }, (_, i) => `t${i}.onmicrosoft.com`)].join("\n");
    await expect(readTenantsFile(await file("many.csv", many), {}, NOW)).rejects.toThrow(new RegExp(`lists ${MAX_TENANTS + 1} tenants; the limit is ${MAX_TENANTS}`));
    await expect(readTenantsFile(await file("huge.csv", `tenant\n${"x".repeat(5 * 1024 * 1024)}\n`), {}, NOW)).rejects.toThrow(/the limit is 4194304/);
    // Only a regular file is read: a directory or a named pipe (which would block) is refused at once.
    await expect(readTenantsFile(dir, {}, NOW)).rejects.toThrow(/Cannot read tenants file .*: (it is a directory|not a regular file)/);
    const fifo = join(dir, "fifo.csv");
    if (process.platform !== "win32" && spawnSync("mkfifo", [fifo]).status === 0) {
      await expect(readTenantsFile(fifo, {}, NOW)).rejects.toThrow(/Cannot read tenants file .*fifo\.csv: not a regular file/);
    }
    // The command line's own values are checked once, as an input error without a line.
    await expect(readTenantsFile(await file("fine.csv", "tenant\na.onmicrosoft.com\n"), { validityDays: 1096 }, NOW)).rejects.toThrow(/--validity-days/);
  });
});

describe("what a row may not carry", () => {
  it("control characters in any column: a bad row naming the column and the character", async () => {
    const path = await file(
      "control.csv",
      [
        "tenant,friendlyName,profile,name,certificate",
        "a.onmicrosoft.com,\u001b[2KFake Ltd,,,", // 2
        'b.onmicrosoft.com,,,"Xops\nApp",', // 3 (a quoted field over lines 3 and 4)
        "c.onmicrosoft.com,,\u202eprofile.yaml,,", // 5
        "d.onmicrosoft.com,Caf\u00e9 \u00d6sterreich,,,", // 6: fine
        "",
      ].join("\r\n"),
    );
    const rows = await badRows(path);
    expect(rows).toEqual([
      "line 2: 'friendlyName' contains a control character (U+001B); use printable text",
      "line 3: 'name' contains a control character (U+000A); use printable text",
      "line 5: 'profile' contains a control character (U+202E); use printable text",
    ]);
  });

  it("a profile granting more than read access is a bad row, unless the fleet runs with --allow-privileged", async () => {
    const privileged = await file("privileged.yaml", "name: too-much\npermissions:\n  - Microsoft Graph / RoleManagement.ReadWrite.Directory\nroles:\n  - Global Administrator\n");
    const path = await file("privileged.csv", `tenant,profile\r\na.onmicrosoft.com,\r\nb.onmicrosoft.com,${privileged}\r\n`);
    const rows = await badRows(path);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^line 3: Profile too-much grants more than read access: .*RoleManagement\.ReadWrite\.Directory.*Global Administrator.*--allow-privileged/);
    const allowed = await readTenantsFile(path, { allowPrivileged: true }, NOW);
    expect(allowed.rows.map((r) => r.desired.profile.name)).toEqual(["xops", "too-much"]);
  });
});
