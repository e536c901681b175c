/**
 * The data that flows through observe → plan → apply → verify. Plain, serialisable shapes: the
 * planner is a pure function of DesiredState and ObservedState, and a Plan is what `plan --json`
 * prints.
 */
import type { webcrypto } from "node:crypto";
import type { CertificateInfo, GeneratedCertificate } from "../cert/types.js";
import type { CloudName } from "./clouds.js";
import type { Profile } from "./profiles.js";

/** Makes a self-signed certificate and its key (default: cert/generate.ts's generateCertificate). */
export type CertificateGenerator = (options: {
  commonName: string;
  keySizeBits: 2048 | 3072 | 4096;
  validityDays: number;
  now: Date;
  /** A key pair of keySizeBits already being made (core/spare-key.ts); a generator may ignore it. */
  keyPair?: Promise<webcrypto.CryptoKeyPair> | undefined;
}) => Promise<GeneratedCertificate>;

export type CertificateChoice =
  | {
      mode: "generate";
      keySizeBits: 2048 | 3072 | 4096;
      validityDays: number;
      /** Who generates the key: bulk passes one that runs at most one per core (see bulk/key-generation.ts). */
      generator?: CertificateGenerator | undefined;
    }
  | { mode: "file"; path: string; certificate: CertificateInfo }
  /** --no-certificate: everything but the certificate (a later `apply --certificate <file>` attaches it). */
  | { mode: "none" };

export interface DesiredState {
  displayName: string;
  /** Graph's alternate key for the app (upsert); a slug plus a hash of the display name (unique-name.ts). */
  uniqueName: string;
  /** The key earlier versions derived from the same name; such an app counts only when connection.json records it. */
  legacyUniqueName: string;
  /** The tag that marks an app as ours (set on create and on --adopt). */
  ownerTag: string;
  profile: Profile;
  certificate: CertificateChoice;
  /** --add-certificate: add a new certificate even though the app already has some we don't hold. */
  addCertificate: boolean;
  /** --expiry-warning-days: a certificate ending sooner than this is drift, renewed or reported (default 30). */
  expiryWarningDays?: number | undefined;
  /** --adopt: take over a same-name app this tool did not create. */
  adopt: boolean;
  /** --app-id: which app to manage when several share the name. */
  appId?: string | undefined;
  /** --rename: give the app found (via connection.json or --app-id) this display name. */
  rename: boolean;
  /**
   * --prune: remove from the tool's own app the permissions (grants and listed entries) and directory
   * roles the profile does not ask for (plan-prune.ts); without it they are findings.
   */
  prune?: boolean | undefined;
}

export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: string }[];
}

export interface ObservedKeyCredential {
  keyId: string;
  /** Upper-case hex SHA-1 (customKeyIdentifier), when Graph reports it. */
  thumbprint: string | undefined;
  displayName: string | undefined;
  type: string;
  usage: string;
  startDateTime: string | undefined;
  endDateTime: string | undefined;
  /** The entry exactly as Graph listed it (key: null), echoed back on keyCredentials PATCH. */
  raw: Record<string, unknown>;
}

export interface ObservedApp {
  id: string;
  appId: string;
  displayName: string;
  uniqueName: string | null;
  tags: string[];
  signInAudience: string | undefined;
  requiredResourceAccess: RequiredResourceAccess[];
  keyCredentials: ObservedKeyCredential[];
}

export interface AppRole {
  id: string;
  value: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
}

export interface ResourceServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appRoles: AppRole[];
}

export interface RoleDefinition {
  id: string;
  displayName: string;
  templateId: string;
}

export interface AppRoleAssignment {
  id: string;
  resourceId: string;
  appRoleId: string;
  resourceDisplayName?: string | undefined;
}

export interface RoleAssignment {
  id: string;
  roleDefinitionId: string;
  directoryScopeId: string;
}

export interface HeldCertificate extends CertificateInfo {
  cerPath: string;
  keyPath: string;
}

/**
 * An owner of the app and how far it is trusted: the signed-in admin, a principal that could have
 * granted the app's permissions itself (Global Administrator or Privileged Role Administrator,
 * tenant-wide), or anyone else: a plain user or service principal, who can add a credential to the
 * app they own and sign in as it.
 */
export interface ObservedOwner {
  id: string;
  kind: "user" | "servicePrincipal" | "other";
  /** "display name (UPN)" when Graph names it, else the object id. */
  name: string;
  standing: "signed-in-admin" | "privileged" | "unprivileged" | "unverified";
}

/** The owners of the selected app, or why they could not be read. */
export type OwnersObservation =
  | { readable: true; appObjectId: string; owners: ObservedOwner[] }
  | { readable: false; appObjectId: string; reason: string };

/** A permission by ids, as connection.json records what entra-onboard granted or listed. */
export interface PermissionKey {
  resourceAppId: string;
  appRoleId: string;
}

/**
 * What connection.json in --out says entra-onboard did in this tenant: the app it manages and what
 * it added to it. A plain user cannot write the admin's --out, so this, with the owners, is proof.
 */
export interface RecordedOnboarding extends ManagedRecord {
  appId: string | undefined;
  /** The thumbprint of connection.json's `certificate`: the one the connection signs in with. */
  currentCertificate: string | undefined;
  /** The uniqueName and display name of the onboarding the record is for (from --name). */
  uniqueName: string;
  displayName: string | undefined;
}

/** A certificate entra-onboard attached to the app, as connection.json keeps it. */
export interface ManagedCertificate {
  /** Upper-case hex SHA-1. */
  thumbprint: string;
  /**
   * "generated": entra-onboard made the key pair and keeps the key in --out; "brought": the admin
   * gave only the public certificate (--certificate, e.g. the one the platform generated).
   */
  source: "generated" | "brought";
  /** The certificate's validity (ISO 8601), which is also the credential's. */
  notBefore: string;
  notAfter: string;
}

/** What entra-onboard added to the app, as connection.json keeps it (written as apply goes). */
export interface ManagedRecord {
  /** Thumbprints (upper-case hex SHA-1) of certificates entra-onboard generated or attached. */
  certificates: string[];
  /** The same certificates with where they came from and their dates (absent in files of earlier versions). */
  certificateDetails: ManagedCertificate[];
  /** Admin consents (app role assignments) it granted. */
  permissions: PermissionKey[];
  /** Directory roles it assigned (role definition or template ids). */
  roles: string[];
  /** API permissions it added to the app's requiredResourceAccess. */
  listedPermissions: PermissionKey[];
  /** Tags it put on the app. */
  tags: string[];
}

export interface ObservedState {
  tenant: { id: string; displayName: string; initialDomain: string; domains: string[] };
  /** Apps with the desired display name, with our uniqueName, the recorded app and the --app-id app. */
  candidates: ObservedApp[];
  /** Owners of the app observe selected; undefined when there is none. */
  owners: OwnersObservation | undefined;
  /** connection.json's record for this tenant; undefined when --out has none. */
  record: RecordedOnboarding | undefined;
  /** The service principal of the selected app, when it exists. */
  servicePrincipal: { id: string; appId: string } | undefined;
  /** Resource service principals by appId; null when the tenant has none (e.g. no Exchange). */
  resources: Record<string, ResourceServicePrincipal | null>;
  roleDefinitions: RoleDefinition[];
  appRoleAssignments: AppRoleAssignment[];
  roleAssignments: RoleAssignment[];
  /** The certificate whose private key this tool keeps in --out, if any. */
  heldCertificate: HeldCertificate | undefined;
  /** The Microsoft cloud the tenant was read in (default global): which APIs Microsoft documents there (clouds.ts). */
  cloud?: CloudName | undefined;
}

/** Ids known from an earlier run or from the writes just made; they let observe skip round trips. */
export interface ObserveHints {
  appId?: string | undefined;
  /** The app's object id: lets round 1 read its owners too. */
  appObjectId?: string | undefined;
  servicePrincipalId?: string | undefined;
}

/** An application permission by name and by id: text output shows the names, --json carries both. */
export interface PermissionRef {
  resourceName: string;
  resourceAppId: string;
  value: string;
  /** Undefined only when the resource service principal is created in the same run. */
  appRoleId: string | undefined;
}

/** A directory role by name and by the id Graph assigns it with. */
export interface RoleRef {
  roleName: string;
  roleDefinitionId: string;
}

export type Action =
  | { kind: "create-resource-service-principal"; resourceAppId: string; resourceName: string }
  | {
      kind: "create-application";
      displayName: string;
      uniqueName: string;
      signInAudience: "AzureADMyOrg";
      tags: string[];
      /** The API permissions the new app will list (what requiredResourceAccess says, by name). */
      permissions: PermissionRef[];
      requiredResourceAccess: RequiredResourceAccess[];
    }
  | { kind: "adopt-application"; appObjectId: string; appId: string; tags: string[] }
  | {
      kind: "update-application";
      appObjectId: string;
      changes: { requiredResourceAccess?: RequiredResourceAccess[]; signInAudience?: string; displayName?: string; tags?: string[] };
      /** API permissions added to the app's list (existing entries are kept). */
      addedPermissions: PermissionRef[];
      /** With --prune: application permissions taken off the app's list because the profile does not ask for them. */
      removedPermissions?: PermissionRef[] | undefined;
      /** One line per change, with names rather than ids. */
      reasons: string[];
    }
  | {
      kind: "add-certificate";
      source: "generate" | "held" | "file";
      /** Known for held/file certificates; generated ones are "known after apply". */
      thumbprint?: string | undefined;
      keySizeBits?: number | undefined;
      validityDays?: number | undefined;
      path?: string | undefined;
      /** A renewal: the connection's certificate that expires soon (it stays on the app until retired). */
      renews?: { thumbprint: string; expiry: string } | undefined;
      /** rotate: the certificates the new one takes over from, kept until it is proven or they are retired. */
      replaces?: string[] | undefined;
    }
  | { kind: "create-service-principal" }
  // `privileged`: beyond the read-only allow-list (src/core/privilege.ts), so only planned with
  // --allow-privileged, and marked in the plan. computePlan always sets it.
  | ({ kind: "grant-app-role"; privileged?: boolean } & PermissionRef)
  | ({ kind: "assign-directory-role"; privileged?: boolean } & RoleRef)
  | {
      kind: "delete-application";
      appObjectId: string;
      appId: string;
      displayName: string;
      /** What Graph deletes together with the app, as observed: a destroy plan says all of it. */
      cascade: {
        servicePrincipalId: string | undefined;
        permissions: PermissionRef[];
        roles: RoleRef[];
        certificates: string[];
      };
    }
  // The undo of an adopted app (remove never deletes an app entra-onboard did not create), and, in
  // an apply plan with --prune, grants and roles the profile does not ask for (plan-prune.ts):
  | {
      kind: "remove-certificates";
      appObjectId: string;
      appId: string;
      thumbprints: string[];
      /** rotate --retire: certificates taken off because a newer one took over (not a removal of the onboarding). */
      retire?: boolean | undefined;
      /** Of those, the ones entra-onboard did not add: named explicitly and confirmed. */
      notAddedByEntraOnboard?: string[] | undefined;
    }
  | ({ kind: "revoke-app-role"; servicePrincipalId: string; assignmentId: string } & PermissionRef)
  | ({ kind: "remove-directory-role"; assignmentId: string } & RoleRef)
  | {
      kind: "untag-application";
      appObjectId: string;
      appId: string;
      /** The app's tags without entra-onboard's. */
      tags: string[];
      removedTags: string[];
      /** requiredResourceAccess without the entries entra-onboard listed, when it listed any. */
      requiredResourceAccess?: RequiredResourceAccess[] | undefined;
      unlistedPermissions: PermissionRef[];
    };

export type ActionKind = Action["kind"];

/** Something that differs from the profile but that apply does not change (it never deletes). */
export interface Finding {
  /** "name-differs": the app found is named otherwise than --name; apply refuses it without --rename. */
  kind: "extra-permission" | "extra-role" | "certificate-not-held" | "certificate-expiring" | "foreign-certificates" | "name-differs";
  message: string;
}

export type AppStatus =
  | { state: "absent" }
  | { state: "owned"; objectId: string; appId: string }
  | { state: "adoptable"; objectId: string; appId: string };

/** What a plan is for: onboarding (plan, apply, status), taking it away (remove), or a new certificate (rotate). */
export type PlanMode = "apply" | "destroy" | "rotate";

export interface Plan {
  formatVersion: 1;
  mode: PlanMode;
  tenant: { id: string; displayName: string; initialDomain: string };
  app: { displayName: string; uniqueName: string; profile: string } & AppStatus & {
    servicePrincipalId?: string | undefined;
    /** The app's owners by name, when read ("unreadable" when Graph would not list them). */
    owners?: { id: string; name: string; standing: ObservedOwner["standing"] }[] | "unreadable" | undefined;
  };
  /**
   * The certificate the platform signs in with: on the app, to be added by apply, not held by us,
   * or none (a destroy plan).
   */
  certificate: {
    state: "present" | "pending" | "not-held" | "none";
    thumbprint: string | undefined;
    /** "generated" (entra-onboard holds the key) or "brought" (the platform, or whoever gave it, does). */
    source?: "generated" | "brought" | undefined;
    /** When the present certificate's credential ends (ISO 8601). */
    expires?: string | undefined;
  };
  actions: Action[];
  /** Drift apply leaves alone; `status` reports it. */
  findings: Finding[];
  /** Things worth knowing that are not drift: expiring certificates, missing admin roles. */
  warnings: string[];
  /** One line per managed thing already in the desired state. */
  unchanged: string[];
}

export type ActionOutcome = "created" | "updated" | "deleted" | "already-existed" | "already-gone";

export interface ActionResult {
  action: Action;
  outcome: ActionOutcome;
  /** Human detail: ids created, files written. */
  detail: string;
}

export type ExecutionEvent =
  | { type: "action-started"; action: Action }
  | { type: "action-done"; result: ActionResult }
  | { type: "action-failed"; action: Action; error: unknown };
