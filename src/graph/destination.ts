/**
 * Where the admin's access token may go. Every Graph request carries `Authorization: Bearer …`, so
 * the Graph root decides who receives the token: one of Microsoft's Graph hosts ("National cloud
 * deployments", Microsoft Graph docs), or this machine (a mock or recording proxy on loopback, the
 * sandbox). Any other host must be named by the admin (--allow-graph-host) and is announced; plain
 * HTTP to a host that is not loopback is refused outright, because the token would cross the
 * network in clear text (RFC 6750 §5.3: bearer tokens only over TLS).
 */
import { CLOUDS } from "../core/clouds.js";
import { InputError } from "../shared/errors.js";

/** Every cloud's Graph host, from the one table of clouds (graph.microsoft.com, graph.microsoft.us, …). */
export const MICROSOFT_GRAPH_HOSTS: readonly string[] = Object.values(CLOUDS).map((cloud) => new URL(cloud.graph).hostname);

export type GraphHostKind = "microsoft" | "loopback" | "allowed";

export interface GraphDestination {
  /** The Graph root without a trailing slash or /v1.0, e.g. "https://graph.microsoft.com". */
  root: string;
  host: string;
  kind: GraphHostKind;
}

/** 127.0.0.0/8, ::1 and localhost. Takes URL.hostname, which has already normalised forms like 127.1 or 0x7f.0.0.1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Checks a Graph root given as `source` (--graph-url or ENTRA_ONBOARD_GRAPH_URL). `allowHost` is
 * the host the admin explicitly trusts (--allow-graph-host); it must be exactly the URL's host.
 */
export function checkGraphDestination(raw: string, source: string, allowHost?: string): GraphDestination {
  const url = parseHttpUrl(raw, source, "use e.g. https://graph.microsoft.com or http://127.0.0.1:4010");
  const host = url.hostname.toLowerCase();
  const root = `${url.origin}${url.pathname}`.replace(/\/+$/, "").replace(/\/v1\.0$/i, "");
  if (allowHost !== undefined && !sameHost(allowHost, url)) {
    throw new InputError(`--allow-graph-host ${allowHost} does not match the Graph host ${host} of ${source}; name exactly the host that is to receive the token.`);
  }
  if (isLoopbackHost(host)) return { root, host, kind: "loopback" };
  if (url.protocol === "http:") {
    throw new InputError(`${source} ${raw} is plain HTTP to ${host}, which is not this machine: the admin's access token would cross the network unencrypted. Use https, or http only on loopback (127.0.0.1, ::1, localhost).`);
  }
  if (MICROSOFT_GRAPH_HOSTS.includes(host)) return { root, host, kind: "microsoft" };
  if (allowHost !== undefined) return { root, host, kind: "allowed" };
  throw new InputError(
    `${source} ${raw} is neither a Microsoft Graph host (${MICROSOFT_GRAPH_HOSTS.join(", ")}) nor loopback: the admin's access token would go to ${host}. If that host is yours (a proxy), pass --allow-graph-host ${host}.`,
  );
}

/** The sandbox runs on this machine only: a remote "sandbox" would receive a real token while the run says "simulated". */
export function checkSandboxUrl(raw: string): string {
  const url = parseHttpUrl(raw, "--sandbox-url", "pass the https://127.0.0.1:PORT URL `entra-onboard sandbox` printed");
  if (url.protocol !== "https:" || !isLoopbackHost(url.hostname)) {
    throw new InputError(`--sandbox-url must be the https:// loopback URL \`entra-onboard sandbox\` printed (127.0.0.1, ::1 or localhost), got '${raw}'.`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

/** A library-level backstop for every Graph client: never plain HTTP off this machine. */
export function assertSafeTransport(graphUrl: string): void {
  let url: URL;
  try {
    url = new URL(graphUrl);
  } catch {
    return; // the SDK reports a malformed root on the first request
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new InputError(`Refusing plain HTTP to ${url.hostname}: the access token would cross the network unencrypted. Use https, or http only on loopback.`);
  }
}

function parseHttpUrl(raw: string, source: string, example: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`${source} '${raw}' is not a URL; ${example}.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new InputError(`${source} must be http(s), got '${raw}'; ${example}.`);
  if (url.username || url.password) throw new InputError(`${source} must not carry a user name or password; ${example}.`);
  return url;
}

function sameHost(allowHost: string, url: URL): boolean {
  const wanted = allowHost.trim().toLowerCase();
  return wanted === url.hostname.toLowerCase() || wanted === url.host.toLowerCase();
}
