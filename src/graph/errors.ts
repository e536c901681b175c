/**
 * Reads Graph's error envelope ("Microsoft Graph error responses and resource types") without
 * trusting its shape, as go-azure-sdk's odata/errors.go does not either: `message` may be a string
 * or `{lang, value}`, `details` an array or a single object, the request id sits in `innerError`
 * (or `innererror`), and proxies in front of Graph may answer with HTML or plain text.
 */

export interface GraphErrorDetail {
  code: string;
  message: string;
  target?: string;
}

export interface GraphErrorInfo {
  /** Graph's error code, e.g. "Request_BadRequest"; "" when the body had none. */
  code: string;
  /** Human text; "" when the body had none. */
  message: string;
  requestId: string | undefined;
  details: GraphErrorDetail[];
}

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  // Legacy AAD Graph shape: {"lang":"en","value":"..."}.
  if (isDict(value) && typeof value["value"] === "string") return value["value"];
  return "";
}

function parseDetails(value: unknown): GraphErrorDetail[] {
  const list = Array.isArray(value) ? value : isDict(value) ? [value] : [];
  return list.filter(isDict).map((d) => {
    const detail: GraphErrorDetail = { code: text(d["code"]), message: text(d["message"]) };
    const target = text(d["target"]);
    if (target !== "") detail.target = target;
    return detail;
  });
}

function requestIdOf(error: Dict, headers: Record<string, string> | undefined): string | undefined {
  const inner = error["innerError"] ?? error["innererror"];
  if (isDict(inner)) {
    const id = text(inner["request-id"]) || text(inner["requestId"]);
    if (id !== "") return id;
  }
  return headers?.["request-id"] ?? headers?.["client-request-id"];
}

/** Bodies that are still JSON text (e.g. a fetch that was not parsed) are parsed here. */
function asObject(body: unknown): unknown {
  if (typeof body !== "string") return body;
  const trimmed = body.trim();
  if (!trimmed.startsWith("{")) return body;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return body;
  }
}

const MAX_TEXT_BODY = 300;

/**
 * @param body the response body, parsed JSON or raw text
 * @param headers lower-cased response headers, used for the request id when the body lacks one
 */
export function parseGraphError(body: unknown, headers?: Record<string, string>): GraphErrorInfo {
  const parsed = asObject(body);
  if (isDict(parsed)) {
    const error = isDict(parsed["error"]) ? parsed["error"] : parsed;
    return {
      code: text(error["code"]),
      message: text(error["message"]),
      requestId: requestIdOf(error, headers),
      details: parseDetails(error["details"]),
    };
  }
  // Not an envelope at all (gateway HTML, plain text): keep a short excerpt for the user.
  const raw = typeof parsed === "string" ? parsed.replace(/\s+/g, " ").trim() : "";
  return {
    code: "",
    message: raw.length > MAX_TEXT_BODY ? `${raw.slice(0, MAX_TEXT_BODY)}…` : raw,
    requestId: headers?.["request-id"] ?? headers?.["client-request-id"],
    details: [],
  };
}
