/**
 * Build step (run by `prepare`): renders the top-level --help once with yargs into dist/help.txt,
 * so `entra-onboard --help` can print it without loading yargs (~80 ms of start-up). The text comes
 * from the same yargs definitions, so it cannot drift; a test compares the two.
 */
import { writeFileSync } from "node:fs";
import { runCli } from "../src/cli/cli.js";

let text = "";
const code = await runCli(["--help"], {
  stdout: (t) => {
    text += t;
  },
  stderr: (t) => process.stderr.write(t),
  env: {},
  isInteractive: false,
  prompt: async () => "",
  promptHidden: async () => "",
  waitForInterrupt: async () => undefined,
});
if (code !== 0 || text.length === 0) throw new Error(`rendering --help failed (exit ${code})`);
writeFileSync(new URL("../help.txt", import.meta.url), text);
