/**
 * `entra-onboard sandbox --partner`: the sandbox plays a managed service provider. Its knobs (which
 * customers have no GDAP relationship, or a weak one), what it prints about the partner, and the
 * tenants file it can write for `entra-onboard bulk`.
 */
import type { PartnerOptions } from "../sandbox/partner.js";
import type { Sandbox } from "../sandbox/server.js";
import { writeFileAtomic } from "../shared/atomic-file.js";
import { InputError } from "../shared/errors.js";

export interface PartnerArgs {
  tenants: number;
  partner: boolean;
  withoutRelationship?: string | undefined;
  weakRelationship?: string | undefined;
  writeTenantsFile?: string | undefined;
}

/** "4,5" → [4, 5], each a customer position within --tenants. */
export function customerPositions(value: string | undefined, flag: string, tenants: number): number[] {
  if (value === undefined) return [];
  const list = value.split(",").map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > tenants)) throw new InputError(`${flag} takes tenant positions from 1 to ${tenants} (--tenants), such as 4,5; got '${value}'.`);
  return list;
}

export function partnerOptions(args: PartnerArgs): { partner?: PartnerOptions } {
  const withoutRelationship = customerPositions(args.withoutRelationship, "--without-relationship", args.tenants);
  const weakRelationship = customerPositions(args.weakRelationship, "--weak-relationship", args.tenants);
  const both = withoutRelationship.filter((p) => weakRelationship.includes(p));
  if (both.length > 0) throw new InputError(`tenant ${both.join(", ")} cannot be in both --without-relationship and --weak-relationship.`);
  const wanted = args.partner || withoutRelationship.length > 0 || weakRelationship.length > 0 || args.writeTenantsFile !== undefined;
  return wanted ? { partner: { withoutRelationship, weakRelationship } } : {};
}

/** The partner's lines for the sandbox banner; writes the tenants file first when asked. */
export async function describePartner(sandbox: Sandbox, tenantsFile: string | undefined, caFile: string): Promise<string> {
  const partner = sandbox.partner;
  if (!partner) return "";
  const relationships = partner.relationships.list();
  const withRelationship = new Set(relationships.map((r) => r.customerTenantId));
  const lines = [
    `Partner (MSP) tenant: ${partner.id}  ${partner.initialDomain}  (${partner.displayName}); its admin ${partner.admin} signs in once for all tenants`,
    `GDAP relationships: ${relationships.length} of ${sandbox.tenants.length} tenants${sandbox.tenants.some((t) => !withRelationship.has(t.id)) ? ` (none with ${sandbox.tenants.filter((t) => !withRelationship.has(t.id)).map((t) => t.initialDomain).join(", ")})` : ""}`,
  ];
  if (tenantsFile !== undefined) {
    const { formatTenantsFile } = await import("../bulk/tenants-file.js");
    try {
      // The one atomic writer: a link planted at the path is replaced, never followed.
      await writeFileAtomic(tenantsFile, formatTenantsFile(sandbox.tenants.map((t) => ({ tenant: t.initialDomain, friendlyName: t.displayName }))), { mode: 0o644 });
    } catch (error) {
      throw new InputError(`Cannot write --write-tenants-file ${tenantsFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
    lines.push(`Tenants file: ${tenantsFile}  (entra-onboard bulk apply ${tenantsFile}${sandbox.cloud === "global" ? "" : ` --cloud ${sandbox.cloud}`} --sandbox-url ${sandbox.url} --sandbox-ca ${caFile} --yes)`);
  }
  return `${lines.join("\n")}\n`;
}
