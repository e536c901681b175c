/**
 * verify: sign in *as the onboarded app* with its certificate and private key, and check what the
 * platform will rely on: tokens are issued, their `roles` cover the profile's permissions, the
 * directory role is effective, and Graph answers a cheap read. Consent and credentials take time to
 * propagate in Entra, so failing checks are retried (with fresh tokens) within a bound.
 */
import { decodeTokenClaims } from "../shared/jwt.js";
import type { TokenClaims } from "../shared/jwt.js";
import type { Graph, GraphRequest } from "../graph/types.js";
import type { Clock } from "../shared/clock.js";
import { AppError } from "../shared/errors.js";
import type { Profile } from "./profiles.js";
import { cloudOf, tokenResource, type Cloud, type CloudName } from "./clouds.js";
import { appChecks } from "./requests.js";
import { EXCHANGE_APP_ID, GRAPH_APP_ID, KNOWN_RESOURCES, ROLE_TEMPLATE } from "./well-known.js";

export interface VerifyCheck {
  name: string;
  ok: boolean;
  /** Why it failed, or what was seen when it passed. */
  detail: string;
  /** The failure looks like propagation delay: a retry in a few minutes may pass. */
  mayPassLater: boolean;
}

export interface VerifyReport {
  ok: boolean;
  checks: VerifyCheck[];
  attempts: number;
}

export interface AppSignIn {
  /** A fresh (uncached) app-only token for `resource`/.default, or an error from the authority. */
  getToken: (resource: string) => Promise<string>;
  /** A Graph door that signs in as the app. */
  graph: Graph;
}

export interface VerifyOptions {
  signIn: () => AppSignIn;
  profile: Profile;
  /** The tenant's cloud (default global): which resource identifiers the app's tokens are asked for. */
  cloud?: CloudName | undefined;
  clock: Clock;
  /** How long to keep retrying failed checks (default 3 minutes; 0 = once). */
  maxWaitMs?: number;
  onAttempt?: (attempt: number, failing: VerifyCheck[]) => void;
}

const PROPAGATION = /AADSTS700016|AADSTS700027|AADSTS7000112|AADSTS500011|Authorization_RequestDenied|403/;

export async function verifyApp(options: VerifyOptions): Promise<VerifyReport> {
  const maxWait = options.maxWaitMs ?? 180_000;
  const start = options.clock.now();
  let delay = 2000;
  for (let attempt = 1; ; attempt++) {
    const checks = await runChecks(options.signIn(), options.profile, cloudOf(options.cloud));
    const failing = checks.filter((c) => !c.ok);
    const elapsed = options.clock.now() - start;
    if (failing.length === 0 || !failing.every((c) => c.mayPassLater) || elapsed + delay > maxWait) {
      return { ok: failing.length === 0, checks, attempts: attempt };
    }
    options.onAttempt?.(attempt, failing);
    await options.clock.sleep(delay);
    delay = Math.min(delay * 2, 30_000);
  }
}

async function runChecks(app: AppSignIn, profile: Profile, cloud: Cloud): Promise<VerifyCheck[]> {
  const checks: VerifyCheck[] = [];
  const graphValues = profile.permissions.filter((p) => p.resourceAppId === GRAPH_APP_ID).map((p) => p.value);
  const graphClaims = await tokenCheck(app, tokenResource(cloud, GRAPH_APP_ID), "Microsoft Graph", graphValues, checks);
  if (graphClaims && profile.roles.some((r) => r.toLowerCase() === "global reader")) {
    const has = (graphClaims.wids ?? []).includes(ROLE_TEMPLATE.globalReader);
    checks.push({
      name: "Global Reader is effective for the app (wids claim)",
      ok: has,
      detail: has ? "wids contains Global Reader" : "the token's wids claim lacks Global Reader",
      mayPassLater: true,
    });
  }
  if (graphClaims) {
    await callCheck(app.graph, appChecks.organization(), checks);
    if (graphValues.includes("AccessReview.Read.All")) await callCheck(app.graph, appChecks.accessReviews(), checks);
  }
  // Every other API the profile names (Exchange Online, or Exchange Online Protection in GCC High
  // and DoD): an app-only token for the cloud's resource identifier, carrying the granted roles.
  const others = [...new Set(profile.permissions.map((p) => p.resourceAppId).filter((id) => id !== GRAPH_APP_ID))];
  for (const resourceAppId of others) {
    const values = profile.permissions.filter((p) => p.resourceAppId === resourceAppId).map((p) => p.value);
    const label = resourceAppId === EXCHANGE_APP_ID ? "Exchange Online" : (KNOWN_RESOURCES.find((r) => r.appId === resourceAppId)?.name ?? resourceAppId);
    await tokenCheck(app, tokenResource(cloud, resourceAppId), label, values, checks);
  }
  return checks;
}

async function tokenCheck(app: AppSignIn, resource: string, label: string, wanted: string[], checks: VerifyCheck[]): Promise<TokenClaims | undefined> {
  let token: string;
  try {
    token = await app.getToken(resource);
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    checks.push({ name: `sign in as the app for ${label}`, ok: false, detail: firstLine(text), mayPassLater: PROPAGATION.test(text) });
    return undefined;
  }
  checks.push({ name: `sign in as the app for ${label}`, ok: true, detail: "token issued with the certificate", mayPassLater: false });
  const claims = decodeTokenClaims(token);
  const roles = claims?.roles ?? [];
  for (const value of wanted) {
    const ok = roles.includes(value);
    checks.push({
      name: `${label} token carries ${value}`,
      ok,
      detail: ok ? "roles claim includes it" : `roles claim is [${roles.join(", ")}]: admin consent not effective yet`,
      mayPassLater: !ok,
    });
  }
  return claims;
}

async function callCheck(graph: Graph, request: GraphRequest, checks: VerifyCheck[]): Promise<void> {
  const name = request.operation;
  try {
    const response = await graph.send(request);
    const ok = response.status >= 200 && response.status < 300;
    checks.push({ name, ok, detail: ok ? `${response.status}` : `${response.status}: access denied`, mayPassLater: !ok });
  } catch (error) {
    checks.push({ name, ok: false, detail: error instanceof AppError ? error.message : String(error), mayPassLater: false });
  }
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).slice(0, 300);
}
