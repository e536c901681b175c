/** The read-only allow-list: what a profile may grant without --allow-privileged. */
import { describe, expect, it } from "vitest";
import { isPrivilegedPermission, isPrivilegedRole, privilegedEntries } from "../../src/core/privilege.js";
import { builtInProfile, BUILT_IN_PROFILE_NAMES, parsePermission } from "../../src/core/profiles.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID } from "../../src/core/well-known.js";

describe("privilege", () => {
  it("the built-in profiles are entirely read-only", () => {
    for (const name of BUILT_IN_PROFILE_NAMES) expect(privilegedEntries(builtInProfile(name))).toEqual([]);
  });

  it.each([
    [GRAPH_APP_ID, "AccessReview.Read.All", false],
    [GRAPH_APP_ID, "Directory.Read.All", false],
    [GRAPH_APP_ID, "directory.read.all", false],
    [GRAPH_APP_ID, "User.ReadBasic.All", false],
    [GRAPH_APP_ID, "DeviceManagementConfiguration.Read.All", false],
    [EXCHANGE_APP_ID, "Exchange.ManageAsApp", false],
    [GRAPH_APP_ID, "RoleManagement.ReadWrite.Directory", true],
    [GRAPH_APP_ID, "Directory.ReadWrite.All", true],
    [GRAPH_APP_ID, "Application.ReadWrite.All", true],
    [GRAPH_APP_ID, "Mail.Send", true],
    [GRAPH_APP_ID, "Exchange.ManageAsApp", true],
    [EXCHANGE_APP_ID, "full_access_as_app", true],
    [EXCHANGE_APP_ID, "Mail.Read.All", true],
  ])("%s / %s privileged: %s", (resourceAppId, value, privileged) => {
    expect(isPrivilegedPermission({ resourceAppId, value })).toBe(privileged);
  });

  it.each([
    ["Global Reader", false],
    ["global reader", false],
    ["Directory Readers", false],
    ["Security Reader", false],
    ["Reports Reader", false],
    ["Global Administrator", true],
    ["Privileged Role Administrator", true],
    ["Exchange Administrator", true],
    ["Application Administrator", true],
  ])("role %s privileged: %s", (role, privileged) => {
    expect(isPrivilegedRole(role)).toBe(privileged);
  });

  it("names a profile's privileged entries, with the read-only name a near miss probably meant", () => {
    const permission = (text: string) => {
      const parsed = parsePermission(text);
      if (typeof parsed === "string") throw new Error(parsed);
      return parsed;
    };
    const profile = {
      name: "p",
      permissions: [permission("Microsoft Graph / RoleManagement.ReadWrite.Directory"), permission("Microsoft Graph / AccessReview.Read.Al"), permission("Microsoft Graph / Directory.Read.All")],
      roles: ["Global Administrator", "Global Reader", "Global Readr"],
    };
    expect(privilegedEntries(profile)).toEqual([
      "Microsoft Graph / RoleManagement.ReadWrite.Directory",
      "Microsoft Graph / AccessReview.Read.Al (did you mean 'AccessReview.Read.All'?)",
      "Global Administrator",
      "Global Readr (did you mean 'Global Reader'?)",
    ]);
  });
});
