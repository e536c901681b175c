/**
 * How the bundle is cut (scripts/bundle-chunks.ts): --help and --version load the entry file alone,
 * a command loads a handful of files, and what only some runs need (MSAL, PKI, YAML, the sandbox)
 * stays behind an import() of its own. Read from the built files, as Node would follow them.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { assertBuilt, BIN } from "./helpers.js";

/** The relative files a bundle file imports statically (`import … from "./x.js"`, `import "./x.js"`). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const found = [...text.matchAll(/^import\s+(?:[^;]*?\sfrom\s+)?"(\.{1,2}\/[^"]+)";$/gm)].map((m) => m[1] ?? "");
  return found.map((spec) => resolve(dirname(file), spec));
}

/** Every file loaded with `file`, itself included. */
function loadedWith(file: string): string[] {
  const seen = new Set<string>();
  const queue = [file];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...staticImports(next));
  }
  return [...seen];
}

describe("the bundle's chunks", () => {
  it("--help and --version load the entry file alone; a command loads a few files, none of MSAL, PKI, YAML or the sandbox", () => {
    assertBuilt();
    expect(staticImports(BIN)).toEqual([]);
    const cliChunk = /import\("(\.\/chunks\/cli-[^"]+)"\)/.exec(readFileSync(BIN, "utf8"))?.[1];
    expect(cliChunk).toBeDefined();
    const files = loadedWith(join(dirname(BIN), cliChunk ?? ""));
    // Each file names the modules it holds in a comment line (`// node_modules/yaml/…`, `// src/…`).
    const held = files.flatMap((f) => [...readFileSync(f, "utf8").matchAll(/^\/\/ ((?:node_modules|src)\/\S+)$/gm)].map((m) => m[1] ?? ""));
    expect(held).toContain("src/cli/commands/apply.ts");
    expect(held).toContain("src/core/observe.ts");
    expect(held.filter((m) => /^(node_modules\/(@azure\/|pkijs\/|asn1js\/|yaml\/)|src\/(sandbox|fake)\/)/.test(m))).toEqual([]);
    // Was 40 before the light import()s were inlined: Node's module loader paid per file.
    expect(files.length).toBeLessThanOrEqual(8);
  });
});
