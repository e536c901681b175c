/**
 * What a command needs from the outside world, passed in rather than reached for, so tests can run
 * the whole CLI in-process with captured streams. Only main.ts touches `process` directly.
 */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  /** Whether stdin/stderr are terminals: decides prompts, colours and the log format. */
  isInteractive: boolean;
  /** Reads one answer from the user (the apply confirmation). */
  prompt: (question: string) => Promise<string>;
  /** Reads one answer without echoing it (the PFX passphrase): prompt-hidden.ts on a terminal. */
  promptHidden: (question: string) => Promise<string>;
  /** Resolves on Ctrl-C / SIGTERM; the sandbox command runs until then. */
  waitForInterrupt: () => Promise<void>;
}

export interface CliContext extends CliIo {
  /** The exit code the entry point will use; commands set it. */
  exitCode: number;
}
