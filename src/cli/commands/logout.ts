/**
 * `entra-onboard logout`: forget the sign-ins kept between runs (all, or one tenant's). The auth module
 * is imported in the handler, so `--help` stays cheap.
 */
import type { CommandModule } from "yargs";
import { ExitCode } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { outputOptions } from "../options.js";

export function logoutCommand(ctx: CliContext): CommandModule {
  return {
    command: "logout",
    describe: "Forget the sign-ins kept between runs: the token cache, sign-in records and the cache key in the OS keyring",
    builder: (y) =>
      y.options({
        tenant: { type: "string", describe: "Only this tenant's sign-in: its id, or the name given as --tenant when signing in" },
        json: outputOptions.json,
      }),
    handler: async (args) => {
      const { logout } = await import("../../auth/logout.js");
      const tenant = typeof args.tenant === "string" ? args.tenant : undefined;
      const report = await logout({ env: ctx.env, tenant });
      const list = (lines: string[]) => lines.map((line) => `  - ${line}\n`).join("");
      if (args.json) ctx.stdout(`${JSON.stringify({ formatVersion: 1, command: "logout", directory: report.directory, tenant: tenant ?? null, removed: report.removed, kept: report.kept })}\n`);
      else if (report.removed.length > 0) ctx.stdout(`Removed from ${report.directory}:\n${list(report.removed)}`);
      else ctx.stdout(`Nothing to remove: no kept sign-in${tenant ? ` for tenant ${tenant}` : ""} in ${report.directory}.\n`);
      if (!args.json && report.kept.length > 0) ctx.stdout(`Still kept (logout --tenant <tenant id>, or logout for all):\n${list(report.kept)}`);
      ctx.exitCode = ExitCode.Success;
    },
  };
}
