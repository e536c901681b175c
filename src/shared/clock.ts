/**
 * Time as a dependency. Every wait in the product (retry backoff, replication polling) and every
 * timestamp in the fake tenant goes through a Clock, so tests can run hours of backoff instantly
 * and the fake's replication lag and the tool's waits agree on what "now" is.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export function realClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
  };
}

/**
 * A clock whose sleeps return at once and move virtual time forward. Share one instance between the
 * tool under test and the fake tenant so that replication lag "passes" while the tool backs off.
 */
export function virtualClock(start = Date.parse("2026-01-15T12:00:00Z")): Clock & { advance(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
    sleep: async (ms: number) => {
      current += Math.max(0, ms);
      // Yield to the event loop so concurrent work interleaves as it would in real time.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}
