/**
 * Objects with replication lag (Microsoft Entra blog: "Designing for eventual consistency for
 * Microsoft Entra"). Every write appends a version stamped with the
 * clock; a read at time `now` sees the newest version written at least `lagMs` ago, so a new
 * object is invisible and an updated one is stale until the lag has passed. The lag is applied
 * when reading, so changing `lagMs` at run time takes effect at once. Seeded objects are stamped
 * -Infinity: always visible.
 */
export interface View {
  now: number;
  lagMs: number;
}

interface Version<T> {
  at: number;
  value: T;
}

export class VersionedStore<T extends { id: string }> {
  private readonly records = new Map<string, Version<T>[]>();

  /** The latest version regardless of lag. */
  truth(id: string): T | undefined {
    const value = this.current(id);
    return value === undefined ? undefined : structuredClone(value);
  }

  /** What a reader sees now: undefined while the object's first version is still replicating. */
  visible(id: string, view: View): T | undefined {
    const value = this.current(id, view);
    return value === undefined ? undefined : structuredClone(value);
  }

  allTruth(): T[] {
    return this.filter(() => true);
  }

  allVisible(view: View): T[] {
    return this.filter(() => true, view);
  }

  /** The first object (the truth, or what is visible in `view`) that `match` accepts; only it is copied. */
  find(match: (value: T) => boolean, view?: View): T | undefined {
    for (const id of this.records.keys()) {
      const value = this.current(id, view);
      if (value !== undefined && match(value)) return structuredClone(value);
    }
    return undefined;
  }

  /** Every object `match` accepts, copied; the others are not (a lookup in a tenant of many objects stays cheap). */
  filter(match: (value: T) => boolean, view?: View): T[] {
    const found: T[] = [];
    for (const id of this.records.keys()) {
      const value = this.current(id, view);
      if (value !== undefined && match(value)) found.push(structuredClone(value));
    }
    return found;
  }

  /** Stores a new version (a copy, so callers can't mutate history; frozen parts are immutable and kept shared). */
  put(value: T, at: number): T {
    const versions = this.records.get(value.id) ?? [];
    versions.push({ at, value: copySharingFrozen(value) });
    this.records.set(value.id, versions);
    return structuredClone(value);
  }

  /** The stored object itself (never hand it out): the latest version, or the one visible in `view`. */
  private current(id: string, view?: View): T | undefined {
    const versions = this.records.get(id);
    if (versions === undefined) return undefined;
    if (view === undefined) return versions[versions.length - 1]?.value;
    for (let i = versions.length - 1; i >= 0; i--) {
      const version = versions[i];
      if (version !== undefined && version.at + view.lagMs <= view.now) return version.value;
    }
    return undefined;
  }

  /** Deletion is immediate for readers too (see the "not modelled" list in fake-graph.ts). */
  delete(id: string): boolean {
    return this.records.delete(id);
  }
}

/**
 * A deep copy of plain data that keeps frozen objects and arrays by reference: they cannot change,
 * so 1,000 tenants can hold the same first-party permission lists (seed.ts) instead of 1,000 copies.
 * Readers still get structuredClone copies, which they may change freely.
 */
export function copySharingFrozen<V>(value: V): V {
  if (typeof value !== "object" || value === null || Object.isFrozen(value)) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => copySharingFrozen(item)) as V;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = copySharingFrozen(item);
  return copy as V;
}
