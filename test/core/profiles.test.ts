import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtInProfile, loadProfileFile, parsePermission } from "../../src/core/profiles.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from "../../src/core/well-known.js";
import { InputError } from "../../src/shared/errors.js";

async function file(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eo-profile-"));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe("profiles", () => {
  it("built-ins follow the vendor's two procedures and their union", () => {
    const summary = (name: string) => builtInProfile(name).permissions.map((p) => `${p.resourceAppId}/${p.value}`);
    expect(summary("m365")).toEqual([`${EXCHANGE_APP_ID}/Exchange.ManageAsApp`]);
    expect(summary("entra-id")).toEqual([`${GRAPH_APP_ID}/AccessReview.Read.All`]);
    expect(summary("xops")).toEqual([...summary("m365"), ...summary("entra-id")]);
    for (const name of ["xops", "m365", "entra-id"]) expect(builtInProfile(name).roles).toEqual(["Global Reader"]);
  });

  it("rejects an unknown built-in with suggestions", () => {
    expect(() => builtInProfile("m356")).toThrow(/Unknown profile 'm356'.*Closest matches: 'm365'/);
  });

  it("parses 'Resource / Permission' and refuses unknown APIs", () => {
    expect(parsePermission("Microsoft Graph / Directory.Read.All")).toMatchObject({ resourceAppId: GRAPH_APP_ID, value: "Directory.Read.All" });
    expect(parsePermission("Microsoft Grahp / Directory.Read.All")).toMatch(/unknown API 'Microsoft Grahp'.*'Microsoft Graph'/);
    expect(parsePermission("Directory.Read.All")).toMatch(/must look like/);
  });

  it("loads YAML and JSON files", async () => {
    const yaml = await loadProfileFile(await file("p.yaml", "permissions:\n  - Microsoft Graph / Directory.Read.All\nroles:\n  - Security Reader\n"));
    expect(yaml.permissions.map((p) => p.value)).toEqual(["Directory.Read.All"]);
    expect(yaml.roles).toEqual(["Security Reader"]);
    const json = await loadProfileFile(await file("p.json", JSON.stringify({ permissions: ["Office 365 Exchange Online / Exchange.ManageAsApp"] })));
    expect(json.permissions[0]?.resourceAppId).toBe(EXCHANGE_APP_ID);
  });

  it("reports every problem of a bad file at once, as input errors", async () => {
    const bad = await file("bad.yaml", "permissions: [Nope / X, 42]\nroles: Global Reader\ncolour: blue\n");
    const error = await loadProfileFile(bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/unknown key 'colour'/);
    expect((error as Error).message).toMatch(/'permissions' must be a list of non-empty strings/);
    expect((error as Error).message).toMatch(/'roles' must be a list/);
    await expect(loadProfileFile(await file("broken.yaml", "permissions: [a\n"))).rejects.toThrow(/not valid YAML/);
    await expect(loadProfileFile("/nonexistent/profile.yaml")).rejects.toThrow(/Cannot read profile file/);
  });
});
