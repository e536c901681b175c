/**
 * The platform's flow on a real terminal: the built CLI driven through a pseudo-terminal (python3's
 * pty module; Node has none), as a person would answer it. The PFX passphrase is asked twice and
 * never echoed, the plan is confirmed, and the certificate question comes once everything else is
 * in place; Enter generates the key pair. Skipped, saying why, without python3.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, BIN, cleanEnv } from "./helpers.js";

const hasPython = spawnSync("python3", ["-c", "import pty"]).status === 0;
const note = hasPython ? "" : " (SKIPPED: python3 with the pty module is not installed)";

// Answers each prompt when it appears; prints everything the terminal showed, then the exit code.
const DRIVER = `
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def until(marker, timeout=90):
    global out
    end = time.time() + timeout
    while marker not in out and time.time() < end:
        if select.select([fd], [], [], 0.05)[0]:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
for marker, answer in [(b"Passphrase for the PFX file: ", b"pty-secret-42\\r"), (b"Repeat the passphrase: ", b"pty-secret-42\\r"), (b"Only 'yes' will be accepted: ", b"yes\\r"), (b"generate one here instead): ", b"\\r")]:
    until(marker)
    os.write(fd, answer)
until(b"Saved to")
until(b"\\x00", 2)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.stdout.write("\\nEXIT %d\\n" % os.waitstatus_to_exitcode(status))
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eo-cli-pty-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPython)(`apply on a pseudo-terminal${note}`, () => {
  it("asks the hidden passphrase, the confirmation, then the certificate once the rest is in place; Enter generates it", () => {
    assertBuilt();
    const out = join(dir, "out");
    const run = spawnSync("python3", ["-c", DRIVER, process.execPath, BIN, "apply", "--sandbox", "--pfx", "--out", out], {
      cwd: dir,
      env: cleanEnv(join(dir, "cache")),
      encoding: "utf8",
      timeout: 120_000,
    });
    const shown = run.stdout;
    expect(shown, run.stderr).toMatch(/EXIT 0\s*$/);
    expect(shown).not.toContain("pty-secret-42");
    const order = ["Passphrase for the PFX file: ", "Repeat the passphrase: ", "Only 'yes' will be accepted", "Everything but the certificate is in place.", 'then click "Generate Public Key & Download"', "Path of the certificate the platform generated", "PFX:"];
    const positions = order.map((text) => shown.indexOf(text));
    expect(positions.every((p) => p >= 0), `${order.join(" | ")}\n${shown}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(shown).toMatch(/admin consent .*Exchange\.ManageAsApp[\s\S]*Path of the certificate/);
  });

  it("wrote the key and the PFX with mode 0600", async () => {
    const out = join(dir, "out");
    expect(existsSync(join(out, "certificate.pfx"))).toBe(true);
    expect((await stat(join(out, "certificate.pfx"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, "private-key.pem"))).mode & 0o777).toBe(0o600);
  });
});
