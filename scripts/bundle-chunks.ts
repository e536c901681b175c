/**
 * How the bundle is cut into chunks (scripts/bundle.ts). In the source, many small modules are
 * loaded with `await import()` so that the library (dist/src) and a tsc-built CLI load them only
 * when needed. In the bundle each of those would be a chunk of its own, plus a shared chunk per
 * combination of importers: a no-op `apply` loaded 40 files, and Node's ES module loader spent about
 * as much time resolving, linking and reading them as V8 spent compiling them (`npm run bench`).
 *
 * So, in the bundle only, an `import()` of one of our own modules whose static imports reach no
 * heavy package is made a static import: it joins its importer's chunk. Imports that lead to a heavy
 * package (the SDKs, MSAL, PKI, YAML, pino) or to the sandbox stay lazy, as in the source.
 */
import type { Metafile, Plugin } from "esbuild";
import { readFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";

/**
 * What only some runs need: MSAL (a sign-in the kept token cannot spare), PKI (a PFX), YAML (a YAML
 * profile), the sandbox. The Graph SDK and pino are not on the list: every command that reads a
 * tenant needs both, and as chunks of their own they split our modules into many shared chunks.
 */
const HEAVY = /^(node_modules\/(@azure\/|pkijs\/|asn1js\/|yaml\/)|src\/(sandbox|fake)\/)/;

/** Our modules imported with `import()` whose static import closure holds nothing heavy. */
export function lightLazyModules(metafile: Metafile, entry: string): Set<string> {
  const inputs = metafile.inputs;
  const reachesHeavy = (start: string): boolean => {
    const seen = new Set<string>();
    const queue = [start];
    for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
      if (HEAVY.test(path)) return true;
      if (seen.has(path)) continue;
      seen.add(path);
      for (const i of inputs[path]?.imports ?? []) if (i.kind !== "dynamic-import" && !i.external) queue.push(i.path);
    }
    return false;
  };
  const light = new Set<string>();
  for (const [importer, input] of Object.entries(inputs)) {
    if (importer === entry || !importer.startsWith("src/")) continue; // the entry's import() keeps --help and --version small
    for (const i of input.imports) {
      if (i.kind === "dynamic-import" && i.path.startsWith("src/") && !reachesHeavy(i.path)) light.add(i.path);
    }
  }
  return light;
}

const DYNAMIC_IMPORT = /\bimport\(\s*(["'])(\.{1,2}\/[^"']+)\1\s*\)/g;

/** Rewrites `import("./x.js")` of a light module into `Promise.resolve(ns)` of a static `import * as ns`. */
export function inlineLightImports(repo: string, light: ReadonlySet<string>): Plugin {
  return {
    name: "inline-light-imports",
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
        const source = await readFile(args.path, "utf8");
        const hoisted: string[] = [];
        const contents = source.replace(DYNAMIC_IMPORT, (call: string, _quote: string, spec: string, at: number) => {
          // Only value positions (`await import(…)`, `import(…).then(`): `import("…").T` is a type.
          const value = /\bawait\s*$/.test(source.slice(Math.max(0, at - 20), at)) || source.startsWith(".then(", at + call.length);
          if (!value) return call;
          const target = relative(repo, resolve(dirname(args.path), spec.replace(/\.js$/, ".ts"))).split("\\").join("/");
          if (!light.has(target)) return call;
          const name = `__eoStatic${hoisted.length}`;
          hoisted.push(`import * as ${name} from ${JSON.stringify(spec)};`);
          return `Promise.resolve(${name})`;
        });
        return { contents: hoisted.length === 0 ? source : `${hoisted.join("\n")}\n${contents}`, loader: "ts" };
      });
    },
  };
}
