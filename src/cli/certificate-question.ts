/**
 * The platform's flow on a terminal (its documents: the admin types the Tenant ID, Application ID
 * and organisation name into "Link a New Microsoft Account", clicks "Generate Public Key &
 * Download" and uploads that certificate to the app): once everything else is in place, show the
 * form's values and wait for the path of the certificate the platform made, or Enter to generate
 * one here. A path that is not a usable certificate is asked for again.
 */
import { homedir } from "node:os";
import type { CertificateAnswer, FormValues } from "../core/pipeline.js";
import { AppError, InputError } from "../shared/errors.js";
import { printable } from "../shared/input-text.js";
import type { CliContext } from "./context.js";
import type { Style } from "./render/style.js";

const ATTEMPTS = 3;

export function formLines(form: FormValues): string[] {
  const rows: [string, string][] = [
    ["Friendly name", form.friendlyName],
    ["Tenant ID", form.tenantId],
    ["Application ID", form.appId],
    ["Organisation name", form.organization],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${printable(v)}`);
}

/** A path as a terminal hands it over: dragged files come quoted, ~ is the home directory. */
function asPath(typed: string): string {
  const unquoted = typed.replace(/^(['"])(.*)\1$/, "$2");
  return unquoted === "~" || unquoted.startsWith("~/") ? `${homedir()}${unquoted.slice(1)}` : unquoted;
}

export function certificateQuestion(ctx: CliContext, style: Style, options: { pfx: boolean }): (form: FormValues) => Promise<CertificateAnswer> {
  return async (form) => {
    ctx.stderr(
      [
        "",
        style.bold("Everything but the certificate is in place."),
        "In the platform, open Integrations > Microsoft > M365 > \"Link a New Microsoft Account\" and enter:",
        ...formLines(form),
        "then click \"Generate Public Key & Download\".",
        "",
      ].join("\n") + "\n",
    );
    const { loadPublicCertificate } = await import("../cert/load.js");
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const typed = (await ctx.prompt("Path of the certificate the platform generated (Enter: generate one here instead): ")).trim();
      if (typed === "") return { generate: true };
      const path = asPath(typed);
      if (options.pfx) {
        ctx.stderr("error: --pfx needs a private key, and the platform's certificate comes without one: press Enter to generate one here, or run without --pfx.\n");
        continue;
      }
      try {
        await loadPublicCertificate(path, new Date());
        return { certificate: path };
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        ctx.stderr(`error: ${printable(error.message)}\n`);
      }
    }
    throw new InputError(`No usable certificate after ${ATTEMPTS} tries; the rest of the onboarding is in place: attach the platform's certificate with entra-onboard apply --certificate <file>.`);
  };
}
