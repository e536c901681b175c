/**
 * The error vocabulary. Only the CLI entry point turns these into exit codes; library callers get
 * typed errors they can branch on.
 */
export const ExitCode = {
  Success: 0,
  Failed: 1,
  InvalidInput: 2,
  PendingChanges: 3,
  /** `plan` (or `remove --dry-run`): the signed-in admin cannot apply this plan; preflight would refuse. */
  PreflightWouldRefuse: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class AppError extends Error {
  readonly exitCode: ExitCode = ExitCode.Failed;
  /** Extra context shown only with --verbose. */
  readonly detail?: string;
  constructor(message: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.detail !== undefined) this.detail = options.detail;
  }
}

/** Bad input or usage: exit 2, nothing written to the tenant. */
export class InputError extends AppError {
  override readonly exitCode = ExitCode.InvalidInput;
}

/** The signed-in admin lacks a role or scope; raised before the first write. */
export class PreflightError extends AppError {
  override readonly exitCode = ExitCode.Failed;
}

/** An app with our name exists that this tool does not own; plan and apply stop. */
export class ForeignAppError extends AppError {
  override readonly exitCode = ExitCode.Failed;
}

/** Another run holds the lock of the --out directory (exit 1; nothing was read or written). */
export class OutDirBusyError extends AppError {
  override readonly exitCode = ExitCode.Failed;
}

/** A Graph request failed for good (after retries). Keeps what a support ticket needs. */
export class GraphRequestError extends AppError {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly operation: string;
  /** Graph's own message, without the operation and status around it. */
  readonly graphMessage: string;
  constructor(init: { operation: string; status: number; code: string; message: string; requestId?: string | undefined }) {
    super(`${init.operation} failed: ${init.status} ${init.code}: ${init.message}`);
    this.status = init.status;
    this.code = init.code;
    this.graphMessage = init.message;
    this.requestId = init.requestId;
    this.operation = init.operation;
  }
}

/**
 * Graph refused a certificate credential: the tenant's app management policy caps certificate
 * lifetimes below this certificate's. The message carries Graph's code and text and how to proceed.
 */
export class CertificateRefusedError extends AppError {}

/** The user answered something other than "yes" at the confirmation prompt (exit 1, like terraform). */
export class AbortedError extends AppError {}

/** A bounded wait ran out; the message says what it was waiting for. */
export class TimeoutError extends AppError {}

/** apply ran every action but the re-read tenant still differs from the profile. */
export class ConvergenceError extends AppError {}

/**
 * Graph (or the sign-in service) answered, but not in the shape its reference documents: a field
 * missing or of the wrong type. Exit 1; nothing is guessed from such an answer.
 */
export class UnexpectedResponseError extends AppError {
  constructor(what: string) {
    super(`Unexpected answer from Microsoft Graph: ${what}. Run again; if it persists, report it with the --verbose output.`);
  }
}

/**
 * A broken invariant of entra-onboard itself (a step run before the one it depends on): a bug, not
 * the tenant's or the user's doing. The message says so, so it is reported rather than retried.
 */
export class InternalError extends AppError {
  constructor(what: string) {
    super(`Internal error in entra-onboard (a bug, please report it with the --verbose output): ${what}.`);
  }
}
