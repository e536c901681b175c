/**
 * Logs go to stderr (stdout is for results) through pino: JSON when stderr is not a terminal or
 * --log-format json, one readable line per entry otherwise. Secrets are redacted by path, and the
 * Graph door never hands tokens to the logger in the first place.
 */
import type { Logger } from "pino";
import { printable } from "./input-text.js";

export type LogFormat = "json" | "pretty";

export interface LogOptions {
  verbose: boolean;
  format: LogFormat;
  /** Where lines go; the CLI passes process.stderr. */
  write: (line: string) => void;
  color: boolean;
}

export const REDACT_PATHS = [
  "authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.authorization",
  "token",
  "accessToken",
  "access_token",
  "*.token",
  "*.accessToken",
  "privateKey",
  "privateKeyPem",
  "*.privateKeyPem",
  "key",
  "*.key",
];

const LEVEL_LABEL: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };
const LEVEL_COLOR: Record<number, string> = { 20: "\u001b[90m", 30: "\u001b[36m", 40: "\u001b[33m", 50: "\u001b[31m", 60: "\u001b[31m" };

export async function createLogger(options: LogOptions): Promise<Logger> {
  // The default export: a CommonJS module bundled by esbuild (scripts/bundle.ts) exposes only that.
  const pino = (await import("pino")).default;
  const stream =
    options.format === "json"
      ? { write: (line: string) => options.write(line) }
      : { write: (line: string) => options.write(prettyLine(line, options.color)) };
  return pino(
    {
      level: options.verbose ? "debug" : "info",
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      base: undefined,
      timestamp: options.format === "json",
    },
    stream,
  );
}

/** One JSON log line → "info  message key=value". */
export function prettyLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, msg, time: _time, ...rest } = entry;
  const n = typeof level === "number" ? level : 30;
  const label = (LEVEL_LABEL[n] ?? String(level)).padEnd(5);
  const extras = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? printable(v) : JSON.stringify(v)}`)
    .join(" ");
  const head = color ? `${LEVEL_COLOR[n] ?? ""}${label}\u001b[0m` : label;
  return `${head} ${printable(String(msg ?? ""))}${extras ? ` ${extras}` : ""}\n`;
}
