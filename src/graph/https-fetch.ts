/**
 * A fetch for the local sandbox's TLS server: trusts exactly the given CA (which replaces the system
 * roots for these requests) and never turns certificate checks off. Global fetch cannot take a CA
 * without an undici dependency, so this speaks node:https directly and returns a standard Response.
 */
import http from "node:http";
import https from "node:https";
import type { FetchLike } from "./sdk-transport.js";

export interface HttpsFetchOptions {
  /** PEM of the CA (or self-signed certificate) to trust. */
  ca: string;
  /** Abort a request whose socket stays idle this long (default 120 s). */
  idleTimeoutMs?: number;
}

/** How long an idle keep-alive socket is kept (below the 5 s keepAliveTimeout of Node's http server). */
export const IDLE_SOCKET_MS = 4_000;

/** Statuses whose Response must not carry a body (the Response constructor throws otherwise). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export function httpsFetch(options: HttpsFetchOptions): FetchLike {
  // One agent per instance: its CA applies to every request it makes and nothing else. Keep-alive:
  // a TLS handshake (and a secure context built from the CA) per request would cost more than the
  // request itself when many run at once (bulk); idle sockets are unref'd, so they never hold the
  // process, and closed after 4 s, before a Node server's 5 s keep-alive timeout can close one under
  // a request about to reuse it.
  const agent = new https.Agent({ ca: options.ca, rejectUnauthorized: true, keepAlive: true, timeout: IDLE_SOCKET_MS });
  const idleTimeoutMs = options.idleTimeoutMs ?? 120_000;
  let warmed = false;

  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const headers: Record<string, string> = { ...init.headers };
      const body = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
      if (body !== undefined) headers["Content-Length"] = String(body.length);
      const requestOptions = { method: init.method, headers };
      const request =
        target.protocol === "https:"
          ? https.request(target, { ...requestOptions, agent })
          : http.request(target, requestOptions);
      request.setTimeout(idleTimeoutMs, () => {
        request.destroy(Object.assign(new Error(`request to ${target.origin} timed out`), { code: "ETIMEDOUT" }));
      });
      request.on("error", reject);
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(response.headers)) {
            if (value === undefined) continue;
            for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(key, v);
          }
          const status = response.statusCode ?? 0;
          try {
            resolve(
              new Response(NULL_BODY.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: response.statusMessage ?? "",
                headers: responseHeaders,
              }),
            );
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      // Node loads its fetch classes (undici, ~30 ms of compiling) the first time Headers or
      // Response is touched, and this fetch needs them only for the answer: touch them once the
      // first request is on the wire, while the server works, rather than after the answer arrived.
      if (!warmed) request.once("finish", () => setImmediate(loadFetchClasses));
      warmed = true;
      request.end(body);
    });
}

function loadFetchClasses(): void {
  // A whole small Response, read: its body and stream classes load lazily too.
  void new Response("{}", { headers: { "content-type": "application/json" } }).text();
}
