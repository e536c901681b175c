/**
 * Issue 9, finding 5: a key belongs to one app in one tenant, and one run at a time uses an --out.
 * A shared --out across tenants is refused before anything is written; a run holding --out's lock
 * keeps every other one out (a stale lock is taken over); files that change under a run are never
 * uploaded, and a run never reports a certificate that is not on the app.
 */
import { spawnSync } from "node:child_process";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readHeldCertificate, writeCertificateFiles } from "../../src/cert/files.js";
import { generateCertificate } from "../../src/cert/generate.js";
import { apply, plan } from "../../src/core/pipeline.js";
import type { Session } from "../../src/core/session.js";
import { DELEGATED_SCOPES } from "../../src/core/well-known.js";
import { DEFAULT_ADMIN_ID } from "../../src/fake/users.js";
import { createGraph } from "../../src/graph/graph-client.js";
import type { Graph, GraphRequest } from "../../src/graph/types.js";
import { ConvergenceError, ForeignAppError, InputError, OutDirBusyError } from "../../src/shared/errors.js";
import { ADMIN_WIDS, adminToken, createHarness, GRAPH_ROOT } from "../support/harness.js";
import { expectXopsConverged, stateOf, type Harness, useFakeTenantSuite } from "./helpers.js";

const { msw, dirs } = useFakeTenantSuite();

/** The admin signed in to another tenant of the same fake. */
function sessionFor(h: Harness, tenantId: string): Session {
  const token = adminToken(tenantId);
  return {
    graph: createGraph({ graphUrl: GRAPH_ROOT, getToken: async () => token, clock: h.clock, random: () => 0.5 }),
    tenantId,
    claims: { tid: tenantId, scp: DELEGATED_SCOPES.join(" "), wids: ADMIN_WIDS, oid: DEFAULT_ADMIN_ID },
    clock: h.clock,
    simulated: false,
  };
}

const lockFile = (out: string) => join(out, "entra-onboard.lock");

describe("a key belongs to one app in one tenant", () => {
  it("the --out of tenant 1 is refused for tenant 2 (exit 2, nothing written there), and keeps tenant 1's files", async () => {
    const h = createHarness(msw.server, { tenants: [{ displayName: "Contoso" }, { displayName: "Fabrikam" }] });
    const [t1, t2] = h.fake.tenantIds() as [string, string];
    const shared = await dirs.make();
    const first = await apply(h.session(), { outDir: shared });
    const saved = await readFile(join(shared, "connection.json"), "utf8");
    const before = h.fake.requests.length;

    for (const run of [() => plan(sessionFor(h, t2), { outDir: shared }), () => apply(sessionFor(h, t2), { outDir: shared })]) {
      const error = await run().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).exitCode).toBe(2);
      expect((error as Error).message).toContain(`--out ${shared} holds the key of app ${first.connection.appId} ('Xops-App') in tenant ${t1}, not of tenant ${t2}`);
      expect((error as Error).message).toContain("use a separate --out per tenant");
    }
    expect(h.fake.requests.slice(before)).toEqual([]);
    expect(h.fake.tenant(t2).applications()).toEqual([]);
    expect(await readFile(join(shared, "connection.json"), "utf8")).toBe(saved);
    expect((await readHeldCertificate(shared))?.thumbprint).toBe(first.connection.certificate?.thumbprint);
  });

  it("files that change under a run (a writer ignoring the lock) are never uploaded, and the run fails", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const intruder = await generateCertificate({ commonName: "Xops-App", keySizeBits: 2048, validityDays: 365, now: new Date(h.clock.now()) });
    const session = h.session();
    let swapped = false;
    const graph: Graph = {
      send: async <T = unknown>(request: GraphRequest) => {
        const response = await session.graph.send<T>(request);
        if (!swapped && request.method === "PATCH" && JSON.stringify(request.body ?? {}).includes("keyCredentials")) {
          swapped = true;
          await writeCertificateFiles(out, intruder);
        }
        return response;
      },
      batch: (requests) => session.graph.batch(requests),
      pages: (first, operation, options) => session.graph.pages(first, operation, options),
    };
    await expect(apply({ ...session, graph }, { outDir: out })).rejects.toThrow(ConvergenceError);
    expect(swapped).toBe(true);
    expect(stateOf(h).thumbprints).not.toContain(intruder.thumbprint);
    expect(await readdir(out)).not.toContain("entra-onboard.lock");
  });
});

describe("one run at a time per --out", () => {
  it("a live lock stops the run before anything is read or written, naming the process", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    await writeFile(lockFile(out), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    const error = await apply(h.session(), { outDir: out }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutDirBusyError);
    expect((error as OutDirBusyError).exitCode).toBe(1);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect(h.fake.requests).toEqual([]);
    // Not ours to remove.
    expect(await readdir(out)).toContain("entra-onboard.lock");
  });

  it("a stale lock (its process is gone) is taken over with a warning, and released at the end", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    const gone = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid;
    await writeFile(lockFile(out), JSON.stringify({ pid: gone, host: hostname(), startedAt: "2026-01-01T00:00:00.000Z" }));
    const warnings: string[] = [];
    await apply(h.session(), { outDir: out, onEvent: (e) => e.type === "warning" && warnings.push(e.message) });
    expect(warnings.join()).toMatch(new RegExp(`stale lock .*pid ${gone}.* no longer running`));
    expectXopsConverged(h);
    expect(await readdir(out)).not.toContain("entra-onboard.lock");
  });

  it("the lock is released when the run fails", async () => {
    const h = createHarness(msw.server);
    const out = await dirs.make();
    h.tenant.addApplication({ displayName: "Xops-App" });
    await expect(apply(h.session(), { outDir: out })).rejects.toThrow(ForeignAppError);
    expect(await readdir(out)).not.toContain("entra-onboard.lock");
  });

  it("two applies at once with one --out: one is turned away, and the certificate reported is on the app with its key in --out", async () => {
    const h = createHarness(msw.server, { faults: { latencyMs: 50 } });
    const out = await dirs.make();
    const settled = await Promise.allSettled([apply(h.session(), { outDir: out }), apply(h.session(), { outDir: out })]);
    const refused = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toBeInstanceOf(OutDirBusyError);
    const done = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    const s = expectXopsConverged(h);
    expect(s.thumbprints).toEqual([done[0]?.connection.certificate?.thumbprint]);
    expect((await readHeldCertificate(out))?.thumbprint).toBe(done[0]?.connection.certificate?.thumbprint);
  });
});
