/**
 * Who owns which application or service principal. Each link is a versioned record of its own, so a
 * new owner replicates like any other write (invisible to lagged reads for `lagMs`), and removing
 * one is immediate, like every delete in the fake.
 */
import type { OwnerLinkJson } from "./model.js";
import { VersionedStore, type View } from "./store.js";

function linkId(objectId: string, ownerId: string): string {
  return `${objectId.toLowerCase()}|${ownerId.toLowerCase()}`;
}

export class OwnerLinks {
  private readonly store = new VersionedStore<OwnerLinkJson>();

  add(objectId: string, ownerId: string, at: number): void {
    this.store.put({ id: linkId(objectId, ownerId), objectId: objectId.toLowerCase(), ownerId: ownerId.toLowerCase() }, at);
  }

  remove(objectId: string, ownerId: string): boolean {
    return this.store.delete(linkId(objectId, ownerId));
  }

  has(objectId: string, ownerId: string, view?: View): boolean {
    const id = linkId(objectId, ownerId);
    return (view === undefined ? this.store.truth(id) : this.store.visible(id, view)) !== undefined;
  }

  /** Owner ids of an object, oldest first; `view` for what a lagged reader sees, else the truth. */
  ownerIds(objectId: string, view?: View): string[] {
    const wanted = objectId.toLowerCase();
    const links = view === undefined ? this.store.allTruth() : this.store.allVisible(view);
    return links.filter((l) => l.objectId === wanted).map((l) => l.ownerId);
  }

  /** Drops every link from or to a deleted object. */
  forget(id: string): void {
    const gone = id.toLowerCase();
    for (const link of this.store.allTruth()) if (link.objectId === gone || link.ownerId === gone) this.store.delete(link.id);
  }
}
