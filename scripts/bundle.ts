/**
 * Build step: bundles the CLI (src/cli/main.ts and everything it imports, dependencies included)
 * into dist/cli/ with esbuild, as ES modules with code splitting. Each `await import()` stays a
 * separate chunk loaded only when reached, so --help still loads next to nothing and sign-in's
 * @azure/identity only when it is needed. One file per lazily loaded part instead of ~900 modules
 * spares Node most of its module resolution and file reads: about half a second of every run on
 * the 2-core development machine (`npm run bench`). The library build (tsc → dist/src) is untouched.
 */
import { build, type BuildOptions, type Plugin } from "esbuild";
import { cpSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inlineLightImports, lightLazyModules } from "./bundle-chunks.js";

/**
 * string-width builds an Intl.Segmenter and \p{RGI_Emoji} regular expressions when its module is
 * evaluated; yargs, cliui and wrap-ansi import it (three copies), which costs ~440 million
 * instructions (~55 ms) on every run although only help text ever measures a string. Each import
 * gets a stand-in that require()s the real module on first call; esbuild then bundles the real one
 * as a lazily initialised module, so its start-up work moves to the first --help that needs it.
 */
const lazyStringWidth: Plugin = {
  name: "lazy-string-width",
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.namespace === "lazy-string-width") return undefined;
      const real = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, namespace: "lazy-string-width" });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "lazy-string-width" };
    });
    b.onLoad({ filter: /.*/, namespace: "lazy-string-width" }, (args) => ({
      contents: `export default function stringWidth(text, options) { return require(${JSON.stringify(args.path)}).default(text, options); }`,
      loader: "js",
      resolveDir: repo,
    }));
  },
};

/**
 * @microsoft/microsoft-graph-client ships an ES module build (its package.json "module" field) next
 * to the CommonJS one that Node (and esbuild for platform "node") picks. We use its Client and
 * ResponseType only; from the ES build the bundle takes those and what they import, not the whole
 * SDK (file uploads, batching, chaos and telemetry handlers, ~60 modules evaluated on every run).
 */
const graphClientEsBuild: Plugin = {
  name: "graph-client-es-build",
  setup(b) {
    b.onResolve({ filter: /^@microsoft\/microsoft-graph-client$/ }, async (args) => {
      if (args.namespace === "graph-client-es-build") return undefined;
      const main = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, namespace: "graph-client-es-build" });
      if (main.errors.length > 0) return { errors: main.errors };
      return { path: resolve(main.path, "../../es/src/index.js") };
    });
  },
};

// Compiled this file is dist/scripts/bundle.js; under tsx it is scripts/bundle.ts.
const here = fileURLToPath(import.meta.url);
const repo = fileURLToPath(new URL(here.endsWith(".ts") ? "../" : "../../", import.meta.url));
const outdir = `${repo}dist/cli`;

const ENTRY = "src/cli/main.ts";
const options = {
  absWorkingDir: repo,
  entryPoints: { "entra-onboard": ENTRY },
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  // V8 checks every regular expression literal while parsing a file, even in functions never run, and
  // checking one with \p{RGI_Emoji} or other Unicode properties is costly. As `new RegExp(…)` calls
  // (esbuild writes them so for features it is told are missing) they cost only where they run.
  supported: { "regexp-set-notation": false, "regexp-unicode-property-escapes": false },
  // CommonJS dependencies (msal-node, pino, …) call require() for Node's built-in modules.
  banner: { js: 'import { createRequire as __entraOnboardRequire } from "node:module";\nconst require = __entraOnboardRequire(import.meta.url);' },
  // main.ts finds help.txt and package.json relative to the bundle's own place.
  define: { ENTRA_ONBOARD_BUNDLE: "true" },
  legalComments: "linked",
  logLevel: "warning",
  metafile: true,
} satisfies BuildOptions;

// First the import graph as the source has it, then the bundle with fewer chunks (bundle-chunks.ts).
const graph = await build({ ...options, plugins: [lazyStringWidth, graphClientEsBuild], write: false });
rmSync(outdir, { recursive: true, force: true });
const result = await build({ ...options, plugins: [lazyStringWidth, graphClientEsBuild, inlineLightImports(repo, lightLazyModules(graph.metafile, ENTRY))] });

// yargs reads its message translations (y18n) from `../../../locales` relative to its own module,
// which in the bundle is the chunk that holds it: put them there, so a German LANG still gets
// yargs' German messages, as from node_modules.
const YARGS_SHIM = "node_modules/yargs/lib/platform-shims/esm.mjs";
const holder = Object.entries(result.metafile.outputs).find(([, output]) => YARGS_SHIM in output.inputs)?.[0];
if (holder === undefined) throw new Error(`bundle: no output holds ${YARGS_SHIM}; check how yargs finds its locales`);
cpSync(`${repo}node_modules/yargs/locales`, resolve(repo, holder, "../../../locales"), { recursive: true });
