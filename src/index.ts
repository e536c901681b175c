/**
 * The library API, for MSPs who script onboarding. The CLI is a thin consumer of exactly this.
 *
 *   const session = await connect({ method: "device-code", tenant: "contoso.onmicrosoft.com" });
 *   const { plan } = await plan(session, { profile: "xops" });
 *   const result = await apply(session, { profile: "xops" });
 *
 * To read the profile and certificate files once and check them before signing in:
 *
 *   const desired = await checkLocalInputs({ profile: "./profile.yaml" }, new Date());
 *   const session = await connect({ method: "device-code" });
 *   await apply(session, { desired });
 *
 * A fleet (MSPs): the same pipeline for every tenant of a tenants file, one sign-in through GDAP:
 *
 *   const fleet = await readTenantsFile("tenants.csv", { profile: "xops" }, new Date());
 *   const connection = await connectFleet({ method: "device-code" });
 *   const result = await bulk({ command: "apply", fleet, connection, outDir: "./out", onEvent: console.log });
 */
export { apply, checkLocalInputs, desiredState, plan, prepare, remove, rotate, status, AbortedError } from "./core/pipeline.js";
export type {
  ApplyOptions,
  ApplyResult,
  CertificateAnswer,
  FormValues,
  OnboardOptions,
  PipelineEvent,
  PlanOptions,
  PlanResult,
  RemoveOptions,
  RemoveResult,
  RotateOptions,
  RotateResult,
} from "./core/pipeline.js";
export type { Action, ActionResult, DesiredState, Finding, ManagedCertificate, ManagedRecord, PermissionRef, Plan, PlanMode, RoleRef } from "./core/types.js";
export type { ConnectionFile } from "./core/record.js";
export type { Session } from "./core/session.js";
export type { Profile, PermissionSpec } from "./core/profiles.js";
export { builtInProfile, loadProfileFile, BUILT_IN_PROFILE_NAMES } from "./core/profiles.js";
export { computePlan, inSync } from "./core/plan.js";
export { verifyApp } from "./core/verify.js";
export type { VerifyReport, VerifyCheck } from "./core/verify.js";
export { connect } from "./connect.js";
export { CLOUDS, CLOUD_NAMES, cloudOf } from "./core/clouds.js";
export type { Cloud, CloudName } from "./core/clouds.js";
export type { ConnectOptions } from "./connect.js";
export { logout } from "./auth/logout.js";
export type { LogoutOptions, LogoutReport } from "./auth/logout.js";
export type { TokenCacheOptions, TokenCacheStatus } from "./auth/sign-in-cache.js";
export type { KeyStore } from "./auth/keyring.js";
export { bulk, DEFAULT_CONCURRENCY } from "./bulk/run.js";
export type { BulkOptions, BulkResult } from "./bulk/run.js";
export type { BulkCommand, BulkEvent, BulkSummary, FleetConnectionDetails, TenantResult, TenantStatus } from "./bulk/types.js";
export { connectFleet } from "./bulk/connect-fleet.js";
export type { FleetConnectOptions, FleetConnection } from "./bulk/connect-fleet.js";
export { fleetFromTenants, readTenantsFile, formatTenantsFile, MAX_TENANTS } from "./bulk/tenants-file.js";
export type { Fleet, FleetDefaults, TenantRow } from "./bulk/tenants-file.js";
export type { BulkReport } from "./bulk/report.js";
export { startSandbox } from "./sandbox/server.js";
export type { Sandbox, SandboxOptions, SandboxPartner } from "./sandbox/server.js";
export type { PartnerOptions, DelegatedAdminRelationship } from "./sandbox/partner.js";
export {
  AppError,
  InputError,
  PreflightError,
  ForeignAppError,
  GraphRequestError,
  CertificateRefusedError,
  TimeoutError,
  ConvergenceError,
  OutDirBusyError,
  ExitCode,
} from "./shared/errors.js";
