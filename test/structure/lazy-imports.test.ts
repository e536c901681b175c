/**
 * What a run loads before it needs it is start-up time (`npm run bench`). The heavy packages may
 * only be reached through a dynamic import(): @azure/identity and MSAL only when a kept access
 * token cannot be used, pkijs only when a PFX is written, yaml only for a YAML
 * profile, the Graph SDK and pino only once a command has parsed its options. The bundle keeps each
 * dynamic import() a chunk of its own, so the static import graph is what every run pays for.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { relativeToRepo, SRC, withoutComments } from "./source-scan.js";

/** Specifiers of the imports that load a module when this one loads (not `import type`, not `import()`). */
function staticValueImports(source: string): string[] {
  const text = withoutComments(source);
  const found = new Set<string>();
  for (const m of text.matchAll(/^\s*import\s+(?!type\s)[^'";]*?\sfrom\s*["']([^"']+)["']/gm)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/^\s*export\s+(?!type\s)(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']/gm)) if (m[1]) found.add(m[1]);
  return [...found];
}

/** Every package a module loads statically, with the chain of src files that leads to it. */
function staticPackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticValueImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith("./") || spec.startsWith("../")) visit(resolve(dirname(file), spec.replace(/\.js$/, ".ts")), `${chain} → ${spec}`);
      else if (!spec.startsWith("node:") && !packages.has(spec)) packages.set(spec, chain);
    }
  };
  visit(entry, relativeToRepo(entry));
  return packages;
}

const HEAVY = /^(@azure\/(identity|msal-)|@peculiar\/|reflect-metadata$|yaml$|pkijs$|@microsoft\/microsoft-graph-client$|pino$)/;

describe("static imports (what every run loads)", () => {
  it("the scanner sees value imports and skips type-only ones and import()", () => {
    const source = ['import { a } from "pkg-a";', 'import type { B } from "pkg-b";', 'import "pkg-c";', 'const d = await import("pkg-d");', 'export { e } from "pkg-e";'].join("\n");
    expect(staticValueImports(source).sort()).toEqual(["pkg-a", "pkg-c", "pkg-e"]);
  });

  for (const entry of ["cli/main.ts", "cli/cli.ts", "auth/sign-in.ts", "auth/interactive-sign-in.ts", "auth/sign-in-cache.ts"]) {
    it(`src/${entry} reaches no heavy package without import()`, () => {
      const heavy = [...staticPackages(join(SRC, entry))].filter(([name]) => HEAVY.test(name)).map(([name, chain]) => `${name} via ${chain}`);
      expect(heavy).toEqual([]);
    });
  }

  it("would notice one: src/auth/identity-cache-plugin.ts loads @azure/identity", () => {
    expect([...staticPackages(join(SRC, "auth/identity-cache-plugin.ts")).keys()]).toContain("@azure/identity");
  });
});
