import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { AppError } from "../shared/errors.js";

export interface HiddenPromptStreams {
  /** Where the answer is typed: process.stdin on a terminal. */
  input: NodeJS.ReadableStream;
  /** Where the question goes: process.stderr, so stdout stays the command's result. */
  output: NodeJS.WritableStream;
}

/**
 * Asks one question and reads the answer without echoing it (a passphrase). readline still runs in
 * terminal mode (raw input), so editing keys work and nothing typed reaches the screen.
 * Streams are passed in because only the entry point touches `process`. Ctrl-C or end of input
 * rejects with an AppError instead of leaving the prompt waiting.
 */
export function promptHidden(question: string, streams: HiddenPromptStreams): Promise<string> {
  // Everything readline itself would draw (the prompt, echoed keys, cursor moves) is dropped; the
  // question and the final newline are written directly.
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  // historySize 0: the passphrase must not linger in the interface's line history.
  const rl = createInterface({ input: streams.input, output: muted, terminal: true, historySize: 0 });
  streams.output.write(question);
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on("SIGINT", () => rl.close());
    rl.on("close", () => {
      if (answered) return;
      streams.output.write("\n");
      reject(new AppError("The passphrase prompt was cancelled."));
    });
    rl.question("", (answer) => {
      answered = true;
      streams.output.write("\n");
      rl.close();
      resolve(answer);
    });
  });
}
