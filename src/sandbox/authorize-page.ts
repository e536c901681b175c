/**
 * HTML of the sandbox's sign-in pages: the consent page of the authorization code flow (who signs in,
 * to which simulated tenant, which client asks for which permissions, Accept / Cancel), the device
 * login page, and the error page for requests that cannot be redirected back (unknown tenant, bad
 * redirect URI), where Entra also shows the error instead of redirecting.
 */
import type { FakeResponse } from "../fake/types.js";

export interface ConsentPageInput {
  /** Path the Accept/Cancel form posts to (the authorize endpoint). */
  action: string;
  /** Opaque id of the pending authorization request. */
  pendingId: string;
  tenant: { id: string; initialDomain: string; displayName: string };
  admin: { upn: string; roles: string };
  client: { id: string; name: string | undefined };
  resourceName: string;
  /** The delegated permissions the admin consents to (empty: nothing consented for a `.default` request). */
  scopes: string[];
  redirectUri: string;
}

export function consentPage(p: ConsentPageInput): FakeResponse {
  const client = p.client.name ? `${esc(p.client.name)} (${esc(p.client.id)})` : esc(p.client.id);
  const scopes =
    p.scopes.length > 0
      ? `<ul id="scopes">${p.scopes.map((s) => `<li>${esc(s)}</li>`).join("")}</ul>`
      : `<p id="scopes">Nothing has been consented for this client on ${esc(p.resourceName)} yet; signing in will fail with AADSTS65001.</p>`;
  const body = `
<h1>Sign in to a SIMULATED tenant</h1>
<p class="warn">This is the entra-onboard sandbox on your own machine, not Microsoft Entra ID. Nothing here is a real tenant.</p>
<dl>
  <dt>Tenant</dt><dd id="tenant">${esc(p.tenant.displayName)}: ${esc(p.tenant.initialDomain)} (${esc(p.tenant.id)})</dd>
  <dt>Signed in as</dt><dd id="admin">${esc(p.admin.upn)} (${esc(p.admin.roles)})</dd>
  <dt>Application</dt><dd id="client">${client}</dd>
  <dt>Permissions requested on ${esc(p.resourceName)}</dt><dd>${scopes}</dd>
  <dt>Reply URL</dt><dd id="redirect-uri">${esc(p.redirectUri)}</dd>
</dl>
<p>Accepting consents to these permissions on behalf of the simulated organisation and signs you in.</p>
<form method="post" action="${esc(p.action)}">
  <input type="hidden" name="pending" value="${esc(p.pendingId)}">
  <button type="submit" name="decision" value="cancel" id="cancel">Cancel</button>
  <button type="submit" name="decision" value="accept" id="accept">Accept</button>
</form>`;
  return html(200, "Permissions requested - entra-onboard sandbox", body);
}

/** The page a browser gets for a sign-in error that cannot go back to the client. */
export function errorPage(status: number, description: string): FakeResponse {
  return html(status, "Sign-in error - entra-onboard sandbox", `<h1>Sorry, but we're having trouble signing you in.</h1>\n<p id="error">${esc(description)}</p>`);
}

export function deviceLoginPage(): FakeResponse {
  return html(
    200,
    "Device sign-in - entra-onboard sandbox",
    "<h1>Device code sign-in (simulated)</h1><p>In the entra-onboard sandbox, device code sign-in is approved automatically as the simulated admin. Nothing to do here.</p>",
  );
}

/** A response_mode=form_post answer: a page that posts the result to the reply URL (OAuth 2.0 Form Post Response Mode). */
export function formPostPage(redirectUri: string, params: Record<string, string>): FakeResponse {
  const inputs = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join("");
  return html(200, "Working...", `<form method="post" action="${esc(redirectUri)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form><script>document.forms[0].submit()</script>`);
}

function html(status: number, title: string, body: string): FakeResponse {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-frame-options": "DENY" },
    body: `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>\n<style>body{font-family:sans-serif;max-width:44rem;margin:2rem auto}.warn{background:#fff4ce;padding:.5rem}dt{font-weight:bold;margin-top:.5rem}button{margin:.5rem;padding:.4rem 1.2rem}</style></head>\n<body>${body}</body></html>\n`,
  };
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
