/**
 * MSAL Python (Debian's python3-msal), the library under Azure CLI, against a running sandbox:
 * - as Azure CLI signs in: instance discovery at the sandbox, a device flow for Azure Resource Manager
 *   (`https://management.core.windows.net//.default`), then a silent Graph token from the refresh token;
 * - as a script with instance discovery off (`validate_authority=False`) and explicit Graph scopes.
 * MSAL Python polls the device code without `scope` (RFC 8628 §3.4), so the scopes must be remembered.
 * It trusts the sandbox CA through REQUESTS_CA_BUNDLE. Skipped, saying why, without python3-msal.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { claimsOf, RawClient, scp } from "./raw-client.js";

const PYTHON = process.env.EO_TEST_PYTHON ?? "/usr/bin/python3";
const probe = spawnSync(PYTHON, ["-c", "import msal; print(msal.__version__)"], { encoding: "utf8" });
const MSAL_VERSION = probe.status === 0 ? probe.stdout.trim() : undefined;
const SKIP_REASON = `SKIPPED: MSAL Python is not installed for ${PYTHON} (apt-get install -y python3-msal)`;
if (!MSAL_VERSION) console.warn(`msal-python.test.ts ${SKIP_REASON}`);

const SCRIPT = `
import json, sys, msal
url, tenant, client_id, mode, scopes, silent = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split(), sys.argv[6]
if mode == "discovery":
    app = msal.PublicClientApplication(client_id, authority=url + "/" + tenant, instance_discovery=url + "/common/discovery/instance")
else:
    app = msal.PublicClientApplication(client_id, authority=url + "/" + tenant, validate_authority=False, instance_discovery=False)
flow = app.initiate_device_flow(scopes=scopes)
if "user_code" not in flow:
    print(json.dumps({"failed": flow})); sys.exit(1)
first = app.acquire_token_by_device_flow(flow)
out = {"message": flow["message"], "first": {k: first.get(k) for k in ("access_token", "scope", "error", "error_description")}}
if silent:
    accounts = app.get_accounts()
    second = app.acquire_token_silent(silent.split(), account=accounts[0]) if accounts else {"error": "no account in the cache"}
    out["second"] = {k: (second or {}).get(k) for k in ("access_token", "error", "error_description")}
print(json.dumps(out))
`;

let sandbox: Sandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), "eo-msal-py-"));
  await writeFile(join(dir, "ca.pem"), sandbox.caPem);
  await writeFile(join(dir, "sign_in.py"), SCRIPT);
});
afterAll(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface PyResult {
  message: string;
  first: { access_token?: string; scope?: string; error?: string; error_description?: string };
  second?: { access_token?: string; error?: string; error_description?: string };
}

function runPython(args: string[]): Promise<PyResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(dir, "sign_in.py"), ...args], { env: { ...process.env, REQUESTS_CA_BUNDLE: join(dir, "ca.pem") }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`python exited ${code}: ${stderr}\n${stdout}`));
      else resolve(JSON.parse(stdout) as PyResult);
    });
  });
}

describe(`MSAL Python ${MSAL_VERSION ?? "(not installed)"}`, () => {
  it.skipIf(!MSAL_VERSION)(MSAL_VERSION ? "signs in like Azure CLI: instance discovery, device flow for ARM, then a silent Graph token that can create an app" : SKIP_REASON, async () => {
    const tid = sandbox.tenants[0]!.id;
    const out = await runPython([sandbox.url, tid, "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "discovery", "https://management.core.windows.net//.default", "https://graph.microsoft.com/.default"]);
    expect(out.first.error ?? undefined, out.first.error_description ?? "").toBeUndefined();
    expect(out.message).toMatch(/^To sign in, use a web browser to open the page \S+ and enter the code \S+ to authenticate\./);
    expect(claimsOf(out.first.access_token)).toMatchObject({ aud: "https://management.core.windows.net/", scp: "user_impersonation", tid });
    expect(out.second?.error ?? undefined, out.second?.error_description ?? "").toBeUndefined();
    expect(claimsOf(out.second?.access_token)["aud"]).toBe("https://graph.microsoft.com");
    const raw = new RawClient(sandbox);
    const created = await raw.createApplication(String(out.second?.access_token));
    expect(created.status).toBe(201);
    raw.expectApplicationInTenant(tid, created.appId);
  }, 90_000);

  it.skipIf(!MSAL_VERSION)(MSAL_VERSION ? "gets the scopes of its device authorization request without repeating them (instance discovery off)" : SKIP_REASON, async () => {
    const tid = sandbox.tenants[0]!.id;
    const scopes = "https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/RoleManagement.ReadWrite.Directory";
    const out = await runPython([sandbox.url, sandbox.tenants[0]!.initialDomain, "14d82eec-204b-4c2f-b7e8-296a70dab67e", "no-discovery", scopes, ""]);
    expect(out.first.error ?? undefined, out.first.error_description ?? "").toBeUndefined();
    expect(scp(out.first.access_token)).toEqual(["Application.ReadWrite.All", "RoleManagement.ReadWrite.Directory"]);
    expect(claimsOf(out.first.access_token)["tid"]).toBe(tid);
    expect((await new RawClient(sandbox).createApplication(String(out.first.access_token))).status).toBe(201);
  }, 90_000);
});
