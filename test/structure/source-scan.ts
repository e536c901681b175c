/**
 * Reading the source tree as text for the structure tests: which modules a file imports (static,
 * type-only, re-exports and dynamic import()), cycles in that graph, and the environment variables
 * the code reads. Plain regular expressions over comment-free text; no compiler needed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const SRC = join(REPO, "src");

/** Every .ts file under `dir`, as absolute paths, sorted. */
export function sourceFiles(dir = SRC): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) found.push(path);
  }
  return found.sort();
}

/** The text without block comments and whole-line // comments (so a doc example is not an import). */
export function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

const IMPORT_PATTERNS = [
  // import x from "m"; import type { X } from "m"; import * as m from "m"; import { a,\n b } from "m"
  /^\s*import\s+(?:type\s+)?[^'";]*?\sfrom\s*["']([^"']+)["']/gm,
  // import "m" (side effect)
  /^\s*import\s*["']([^"']+)["']/gm,
  // export { a } from "m"; export type { A } from "m"; export * from "m"; export * as m from "m"
  /^\s*export\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s*from\s*["']([^"']+)["']/gm,
  // await import("m"), and import("m").Type in a type position
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

/** Module specifiers a source file refers to, in every form that makes a dependency. */
export function importSpecifiers(source: string): string[] {
  const text = withoutComments(source);
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) for (const match of text.matchAll(pattern)) if (match[1]) found.add(match[1]);
  return [...found];
}

/** file → the files under src it imports (relative specifiers only; "./x.js" is the source "./x.ts"). */
export function importGraph(files = sourceFiles()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(readFileSync(file, "utf8"))
      .filter((s) => s.startsWith("./") || s.startsWith("../"))
      .map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")))
      .filter((t) => files.includes(t));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle as a list of nodes (strongly connected components with more than one node, or a self-import). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm; the graphs are small, recursion depth is fine.
  let index = 0;
  const indices = new Map<string, number>();
  const lowlink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    lowlink.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        lowlink.set(node, Math.min(lowlink.get(node) ?? 0, lowlink.get(next) ?? 0));
      } else if (onStack.has(next)) {
        lowlink.set(node, Math.min(lowlink.get(node) ?? 0, indices.get(next) ?? 0));
      }
    }
    if (lowlink.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

export const relativeToRepo = (path: string) => relative(REPO, path);

/**
 * Environment variables a source file reads: `env.NAME`, `env?.NAME`, `env["NAME"]`, and
 * `env[CONSTANT]` where the constant is a string declared in any of `constants`' sources.
 */
export function envVarsRead(source: string, constants: ReadonlyMap<string, string> = new Map()): string[] {
  const text = withoutComments(source);
  const found = new Set<string>();
  for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/\benv\??\.?\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]/g)) if (m[1]) found.add(m[1]);
  for (const m of text.matchAll(/\benv\??\.?\[\s*([A-Z][A-Z0-9_]*)\s*\]/g)) {
    const value = m[1] ? constants.get(m[1]) : undefined;
    found.add(value ?? `unresolved constant ${m[1]}`);
  }
  return [...found].sort();
}

/** `const NAME = "VALUE"` declarations (the way env var names are kept as constants). */
export function stringConstants(sources: readonly string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const source of sources) for (const m of source.matchAll(/\bconst\s+([A-Z][A-Z0-9_]*)\s*=\s*["']([^"']+)["']/g)) if (m[1] && m[2]) constants.set(m[1], m[2]);
  return constants;
}

/** Variable names listed in a .env file (`NAME=` lines, commented out or not). */
export function envFileNames(text: string): string[] {
  return [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? "").sort();
}
