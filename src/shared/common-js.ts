/**
 * The exports of a CommonJS package loaded with `await import()`. Node hands back its named exports
 * plus `default` (the whole `module.exports`); the bundled CLI (scripts/bundle.ts, esbuild) hands
 * back only `default`. Reading `default` works for both.
 */
export function commonJsExports<T extends object>(namespace: T): T {
  const whole = (namespace as { default?: unknown }).default;
  return typeof whole === "object" && whole !== null ? (whole as T) : namespace;
}
