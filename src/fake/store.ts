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
    const versions = this.records.get(id);
    return versions === undefined ? undefined : structuredClone(versions[versions.length - 1]?.value);
  }

  /** What a reader sees now: undefined while the object's first version is still replicating. */
  visible(id: string, view: View): T | undefined {
    const versions = this.records.get(id);
    if (versions === undefined) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const version = versions[i];
      if (version !== undefined && version.at + view.lagMs <= view.now) return structuredClone(version.value);
    }
    return undefined;
  }

  allTruth(): T[] {
    return [...this.records.keys()].flatMap((id) => {
      const value = this.truth(id);
      return value === undefined ? [] : [value];
    });
  }

  allVisible(view: View): T[] {
    return [...this.records.keys()].flatMap((id) => {
      const value = this.visible(id, view);
      return value === undefined ? [] : [value];
    });
  }

  /** Stores a new version (a copy, so callers can't mutate history). */
  put(value: T, at: number): T {
    const versions = this.records.get(value.id) ?? [];
    versions.push({ at, value: structuredClone(value) });
    this.records.set(value.id, versions);
    return structuredClone(value);
  }

  /** Deletion is immediate for readers too (see the "not modelled" list in fake-graph.ts). */
  delete(id: string): boolean {
    return this.records.delete(id);
  }
}
