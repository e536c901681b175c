/**
 * A private freedesktop.org Secret Service for tests: a session D-Bus of its own and GNOME Keyring
 * with a fresh, unlocked login keyring in a temp dir, so tests never touch the developer's keyring.
 * Needs the Debian packages dbus-daemon, gnome-keyring and libsecret-tools; without them
 * `startSecretService` returns the reason to skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SecretService {
  /** Environment for processes that should use this keyring (DBUS_SESSION_BUS_ADDRESS). */
  env: Record<string, string>;
  /** `secret-tool` against this keyring, for checking what is stored. */
  secretTool(args: string[]): { code: number | null; stdout: string };
  close(): Promise<void>;
}

const TOOLS = ["dbus-daemon", "gnome-keyring-daemon", "secret-tool"];

export function secretServiceSkipReason(): string | undefined {
  const missing = TOOLS.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  return missing.length ? `needs ${missing.join(", ")} (Debian: dbus-daemon gnome-keyring libsecret-tools)` : undefined;
}

export async function startSecretService(): Promise<SecretService> {
  const dir = await mkdtemp(join(tmpdir(), "eo-keyring-"));
  const home = join(dir, "home");
  await mkdir(home, { mode: 0o700 });
  // Keyring files, sockets and any autostarted helper stay inside `dir`.
  const daemonEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_DATA_HOME: join(home, "data"), XDG_RUNTIME_DIR: dir, XDG_CACHE_HOME: join(home, "cache"), XDG_CONFIG_HOME: join(home, "config") };
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.reverse().map((child) => stopChild(child)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // A bus without service activation: only the keyring daemon started below can own the Secret
    // Service name (the system's activation files would start a second, empty one).
    const config = join(dir, "bus.conf");
    await writeFile(config, busConfig(join(dir, "bus")));
    const bus = spawn("dbus-daemon", ["--nofork", "--print-address=1", `--config-file=${config}`], { env: daemonEnv, stdio: ["ignore", "pipe", "ignore"] });
    children.push(bus);
    const address = await firstLine(bus);
    const env = { ...daemonEnv, DBUS_SESSION_BUS_ADDRESS: address };
    const keyring = spawn("gnome-keyring-daemon", ["--foreground", "--unlock", "--components=secrets"], { env, stdio: ["pipe", "ignore", "ignore"] });
    children.push(keyring);
    keyring.stdin?.end("test keyring password");
    const secretTool = (args: string[]) => {
      const r = spawnSync("secret-tool", args, { env, encoding: "utf8", timeout: 10_000 });
      return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
    };
    // Ready once a lookup of nothing fails quietly (exit 1, no complaint about a missing service).
    for (let i = 0; ; i++) {
      const r = secretTool(["lookup", "entra-onboard-test", "probe"]);
      if (r.code === 1 && r.stderr.trim() === "") break;
      if (i > 50) throw new Error(`the test Secret Service did not start: ${r.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { env: { DBUS_SESSION_BUS_ADDRESS: address }, secretTool, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      const nl = text.indexOf("\n");
      if (nl >= 0) resolve(text.slice(0, nl).trim());
    });
    child.once("exit", (code) => reject(new Error(`dbus-daemon exited ${code}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

function busConfig(socket: string): string {
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}
