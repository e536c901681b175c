/**
 * Memory for long fleet runs. A bulk run allocates fast and keeps little (a result per tenant), so
 * V8 lets its heap grow to several times what is live (its heap-growing factor) and the process's
 * resident memory climbs with every tenant although nothing leaks: ~150 MB after 400 tenants where
 * ~25 MB are live. A full collection every so many finished tenants keeps it near the live set, for
 * a few milliseconds each. (Node exposes no other way to set the heap's sizing from inside a running
 * process: `--max-old-space-size` and `--max-semi-space-size` only work on the command line.)
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Returns the hook to call once per finished tenant; it collects on every `every`-th call. */
export function heapTrimmer(every: number): () => void {
  // --expose-gc set at run time installs gc() in contexts created afterwards (Node's v8.setFlagsFromString).
  setFlagsFromString("--expose-gc");
  const gc: unknown = runInNewContext("typeof gc === 'function' ? gc : undefined");
  let count = 0;
  return () => {
    count += 1;
    if (count % every === 0 && typeof gc === "function") (gc as () => void)();
  };
}
