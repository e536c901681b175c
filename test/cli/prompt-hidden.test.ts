import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { promptHidden } from "../../src/cli/prompt-hidden.js";
import { AppError } from "../../src/shared/errors.js";
import { REPO } from "./helpers.js";

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = "";
  output.setEncoding("utf8").on("data", (chunk: string) => (shown += chunk));
  return { input, output, shown: () => shown };
}

describe("promptHidden", () => {
  it("shows the question, returns the typed line and never echoes it", async () => {
    const io = streams();
    const answer = promptHidden("Passphrase: ", io);
    io.input.write("s3cr");
    io.input.write("et-ü€\r");
    expect(await answer).toBe("s3cret-ü€");
    expect(io.shown()).toBe("Passphrase: \n");
  });

  it("lets the user correct a typo with backspace, still without echo", async () => {
    const io = streams();
    const answer = promptHidden("Passphrase: ", io);
    io.input.write("abx\x7fc\n");
    expect(await answer).toBe("abc");
    expect(io.shown()).toBe("Passphrase: \n");
  });

  it("can ask twice on the same input, as the passphrase confirmation does", async () => {
    const io = streams();
    const first = promptHidden("One: ", io);
    io.input.write("alpha\n");
    expect(await first).toBe("alpha");
    const second = promptHidden("Two: ", io);
    io.input.write("beta\n");
    expect(await second).toBe("beta");
    expect(io.shown()).toBe("One: \nTwo: \n");
  });

  it("rejects on Ctrl-C and on end of input instead of hanging", async () => {
    const interrupted = streams();
    const onCtrlC = promptHidden("Passphrase: ", interrupted);
    interrupted.input.write("partial\x03");
    await expect(onCtrlC).rejects.toThrow(AppError);
    expect(interrupted.shown()).toBe("Passphrase: \n");

    const closed = streams();
    const onEnd = promptHidden("Passphrase: ", closed);
    closed.input.end();
    await expect(onEnd).rejects.toThrow(/cancelled/);
  });
});

// Muting readline is not enough on a real terminal: the terminal driver echoes keys itself unless
// raw mode is on. Only a pseudo-terminal shows that; Node has none, so python3's pty module drives it.
const PROMPT_JS = join(REPO, "dist", "src", "cli", "prompt-hidden.js");
const hasPython = spawnSync("python3", ["-c", "import pty"]).status === 0;
const ptyNote = hasPython ? "" : " (SKIPPED: python3 with the pty module is not installed)";
const PTY_DRIVER = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "--input-type=module", "-e", sys.argv[2]])
out = b""
def drain(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
while b"One: " not in out:
    drain(0.1)
os.write(fd, b"hunter2-secret\\r")
while b"Two: " not in out:
    drain(0.1)
os.write(fd, b"hunter2-secret\\r")
drain(3)
os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
`;

describe.skipIf(!hasPython)(`promptHidden on a pseudo-terminal${ptyNote}`, () => {
  it("keeps the terminal from echoing what is typed", () => {
    expect(existsSync(PROMPT_JS), "run npm run build first").toBe(true);
    const child = [
      `import { promptHidden } from ${JSON.stringify(PROMPT_JS)};`,
      "const io = { input: process.stdin, output: process.stderr };",
      'const a = await promptHidden("One: ", io);',
      'const b = await promptHidden("Two: ", io);',
      "process.stderr.write(`tty=${process.stdin.isTTY} length=${a.length} same=${a === b}\\n`);",
    ].join("\n");
    const run = spawnSync("python3", ["-c", PTY_DRIVER, process.execPath, child], { encoding: "utf8", timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("tty=true length=14 same=true");
    expect(run.stdout).toContain("One: ");
    expect(run.stdout).not.toContain("hunter2");
  });
});
