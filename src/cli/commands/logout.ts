/**
 * `entra-onboard logout`: forget the sign-ins kept between runs (all, or one tenant's). The auth module
 * is imported in the handler, so `--help` stays cheap.
 */
import { ExitCode } from "../../shared/errors.js";
import type { CliContext } from "../context.js";
import { outputOptions, type ArgsOf, type CommandOf } from "../options.js";

export const logoutOptions = {
  tenant: { type: "string", describe: "Only this tenant's sign-in: its id, or the name given as --tenant when signing in" },
  json: outputOptions.json,
} as const;

export type LogoutArgs = ArgsOf<typeof logoutOptions>;

export function logoutCommand(ctx: CliContext): CommandOf<typeof logoutOptions> {
  return {
    command: "logout",
    describe: "Forget the sign-ins kept between runs: the token cache, sign-in records and the cache key in the OS keyring",
    builder: (y) => y.options(logoutOptions),
    handler: async (args) => {
      ctx.exitCode = await runLogout(args, ctx);
    },
  };
}

async function runLogout(args: LogoutArgs, ctx: CliContext): Promise<number> {
  const { logout } = await import("../../auth/logout.js");
  const { jsonDocument, SCHEMAS } = await import("../render/json.js");
  const report = await logout({ env: ctx.env, tenant: args.tenant });
  const list = (lines: string[]) => lines.map((line) => `  - ${line}\n`).join("");
  if (args.json) {
    const document = { schema: SCHEMAS.logout, directory: report.directory, tenant: args.tenant ?? null, removed: report.removed, kept: report.kept };
    ctx.stdout(jsonDocument(document));
    return ExitCode.Success;
  }
  if (report.removed.length > 0) ctx.stdout(`Removed from ${report.directory}:\n${list(report.removed)}`);
  else ctx.stdout(`Nothing to remove: no kept sign-in${args.tenant ? ` for tenant ${args.tenant}` : ""} in ${report.directory}.\n`);
  if (report.kept.length > 0) ctx.stdout(`Still kept (logout --tenant <tenant id>, or logout for all):\n${list(report.kept)}`);
  return ExitCode.Success;
}
