#!/usr/bin/env node
/**
 * The entry point, and the only place that touches process.exit. `--version` and `--help` are
 * answered before anything else is loaded: admins and scripts call them often, and start-up time
 * is measured. The help text was rendered by yargs at build time (scripts/render-help.ts).
 */
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
const only = argv.length === 1 ? argv[0] : undefined;

function prerenderedHelp(): string | undefined {
  if (process.env.ENTRA_ONBOARD_NO_HELP_CACHE) return undefined;
  try {
    return readFileSync(new URL("../../help.txt", import.meta.url), "utf8");
  } catch {
    return undefined;
  }
}

const help = only === "--help" || only === "-h" ? prerenderedHelp() : undefined;
if (only === "--version" || only === "-v") {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  process.stdout.write(`${pkg.version}\n`);
} else if (help !== undefined) {
  process.stdout.write(help);
} else {
  const { runCli } = await import("./cli.js");
  const code = await runCli(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    isInteractive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    waitForInterrupt: () =>
      new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      }),
    promptHidden: async (question) => (await import("./prompt-hidden.js")).promptHidden(question, { input: process.stdin, output: process.stderr }),
    prompt: async (question) => {
      const { createInterface } = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  });
  // Flush stdout before exiting: piped output is asynchronous and would otherwise be cut short.
  process.stdout.write("", () => process.exit(code));
}
