/** What a fleet run reports, per tenant and in total: the shape of bulk-report.json and of the events. */
import type { PipelineEvent } from "../core/desired.js";

export type BulkCommand = "plan" | "apply" | "status";

/**
 * succeeded: the command did its job in that tenant (for plan/status: it was read; see `changes`/`inSync`).
 * failed: it could not (sign-in refused, preflight refusal, Graph error), with `error` saying why.
 * interrupted: it was running when the run was abandoned; a re-run finishes it.
 * not-started: the run stopped (Ctrl-C) before reaching it.
 */
export type TenantStatus = "succeeded" | "failed" | "interrupted" | "not-started";

/** The connection details the platform's "Link a new Microsoft Account" form asks for (no key material). */
export interface FleetConnectionDetails {
  friendlyName: string;
  tenantId: string;
  appId: string;
  organization: string;
  /** The public certificate file (.cer) to upload, if the tool holds or was given one. */
  certificateFile: string | null;
  thumbprint: string | null;
}

export interface TenantResult {
  line: number;
  /** As written in the tenants file: id or domain. */
  tenant: string;
  /** The tenant id, once signed in. */
  tenantId: string | null;
  friendlyName: string | null;
  command: BulkCommand;
  status: TenantStatus;
  startedAt: string | null;
  durationMs: number | null;
  /** The actions planned (plan, status) or carried out with their outcome (apply), in words. */
  actions: string[];
  /** apply: whether anything was written. */
  changed: boolean | null;
  /** plan/status: whether the tenant already matches the profile. */
  inSync: boolean | null;
  /** What would stop apply at preflight (plan fails on these; status reports them). */
  preflight: string[];
  /** apply: what to paste into the platform's form. */
  connection: FleetConnectionDetails | null;
  /** Why it failed (Entra's AADSTS reason, the preflight refusal, the Graph error), first line. */
  error: string | null;
}

export interface BulkSummary {
  total: number;
  succeeded: number;
  failed: number;
  interrupted: number;
  notStarted: number;
  /** apply: tenants where something was written. plan/status: tenants with changes or drift. */
  changed: number;
}

export type BulkEvent =
  | { type: "run-started"; command: BulkCommand; source: string; total: number; selected: number; concurrency: number }
  | { type: "tenant-started"; line: number; tenant: string }
  | { type: "tenant-progress"; line: number; tenant: string; event: PipelineEvent }
  | { type: "tenant-finished"; result: TenantResult }
  | { type: "interrupted"; reason: "stop" | "abandon"; inFlight: string[]; notStarted: string[] }
  /** Something worth knowing about the run as a whole, e.g. a stale lock of --out taken over. */
  | { type: "warning"; message: string }
  | { type: "run-finished"; summary: BulkSummary; interrupted: boolean };
