/**
 * The one bounded wait for "written but not yet readable" ("Designing for eventual consistency for
 * Microsoft Entra", Microsoft identity developer blog). Polls with exponential
 * backoff until `read` returns a value; the error names what it was waiting for.
 */
import type { Clock } from "../shared/clock.js";
import { TimeoutError } from "../shared/errors.js";

export interface PollOptions {
  /** Overall bound (default 5 minutes). */
  maxElapsedMs?: number;
  /** First delay, doubling up to maxDelayMs (defaults 1 s and 30 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  onWait?: (attempt: number, delayMs: number) => void;
}

export async function pollUntil<T>(clock: Clock, waitingFor: string, read: () => Promise<T | undefined>, options: PollOptions = {}): Promise<T> {
  const maxElapsed = options.maxElapsedMs ?? 300_000;
  const start = clock.now();
  let delay = options.initialDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    const elapsed = clock.now() - start;
    if (elapsed + delay > maxElapsed) {
      throw new TimeoutError(`Gave up after ${Math.round(elapsed / 1000)} s waiting for ${waitingFor} (Microsoft Graph replication). Run the same command again to resume.`);
    }
    options.onWait?.(attempt, delay);
    await clock.sleep(delay);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 30_000);
  }
}
