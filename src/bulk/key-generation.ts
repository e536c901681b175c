/**
 * Key generation for a fleet, at most one key per core at a time. RSA key generation runs on
 * libuv's threadpool (WebCrypto's generateKey is an asynchronous crypto job), which is also where
 * every file operation waits for a thread (4 of them by default). Thirty-two tenants generating keys
 * at once would queue thirty-two long jobs there, and each tenant's small file writes behind them:
 * the run would crawl at the pace of the queue. Capped at the number of cores, keys come as fast as
 * the CPU allows and the other threads stay free for files.
 */
import { availableParallelism } from "node:os";
import type { CertificateGenerator } from "../core/types.js";

export function limitedGenerator(generate: CertificateGenerator, concurrency = availableParallelism()): CertificateGenerator {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (options) => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await generate(options);
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
