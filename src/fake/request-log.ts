/** The request log and the stats derived from it (see RequestLogEntry / RequestStats in types.ts). */
import type { RequestLogEntry, RequestStats } from "./types.js";

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

function isBatchEnvelope(entry: RequestLogEntry): boolean {
  return entry.batchIndex === undefined && /^\/?(\$|%24)batch(\?|$)/i.test(entry.url);
}

export class RequestLog {
  readonly entries: RequestLogEntry[] = [];
  /** Each top-level entry's index, so a batch item finds its envelope without scanning a long log. */
  private readonly indexes = new Map<RequestLogEntry, number>();
  private inFlight = 0;
  private waves = 0;

  /** Opens a top-level entry; a request arriving while none is in flight opens a new wave. */
  startTopLevel(method: string, url: string, now: number): RequestLogEntry {
    if (this.inFlight === 0) this.waves += 1;
    this.inFlight += 1;
    const entry: RequestLogEntry = { method: method.toUpperCase(), url, tenantId: undefined, status: 0, startedAt: now, endedAt: now, wave: this.waves };
    this.indexes.set(entry, this.entries.length);
    this.entries.push(entry);
    return entry;
  }

  finishTopLevel(entry: RequestLogEntry, status: number, now: number): void {
    this.inFlight -= 1;
    entry.status = status;
    entry.endedAt = now;
  }

  batchItem(outer: RequestLogEntry, method: string, url: string, status: number, startedAt: number, endedAt: number): void {
    this.entries.push({ method: method.toUpperCase(), url, tenantId: outer.tenantId, status, startedAt, endedAt, batchIndex: this.indexes.get(outer) ?? this.entries.indexOf(outer) });
  }

  stats(sinceIndex = 0): RequestStats {
    const entries = this.entries.slice(sinceIndex);
    const operations = entries.filter((e) => !isBatchEnvelope(e));
    const topLevel = entries.filter((e) => e.batchIndex === undefined);
    return {
      requests: operations.length,
      writes: operations.filter((e) => WRITE_METHODS.has(e.method)).length,
      roundTrips: topLevel.length,
      sequentialDepth: new Set(topLevel.map((e) => e.wave)).size,
    };
  }
}
