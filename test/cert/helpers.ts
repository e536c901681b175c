import { fileURLToPath } from "node:url";

/** Absolute path of a committed fixture in fixtures/certs/. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/certs/${name}`, import.meta.url));
}
