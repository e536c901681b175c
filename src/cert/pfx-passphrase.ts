import { InputError } from "../shared/errors.js";

/** Where a script puts the PFX passphrase. Never argv: other users can read a process's arguments. */
export const PFX_PASSPHRASE_ENV = "ENTRA_ONBOARD_PFX_PASSPHRASE";

export interface PfxPassphraseSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Whether a person can answer a prompt (stdin and stderr are terminals). */
  isInteractive: boolean;
  /** Asks one question without echoing the answer (src/cli/prompt-hidden.ts on a real terminal). */
  promptHidden: (question: string) => Promise<string>;
}

/**
 * The passphrase for a PFX file: ENTRA_ONBOARD_PFX_PASSPHRASE if set, else asked twice on a
 * terminal. Anything that would yield an empty passphrase is refused rather than writing a PFX
 * anyone can open. The passphrase is returned to the caller only; nothing here logs it.
 */
export async function resolvePfxPassphrase(sources: PfxPassphraseSources): Promise<string> {
  const fromEnv = sources.env[PFX_PASSPHRASE_ENV];
  if (fromEnv !== undefined) {
    if (isBlank(fromEnv)) {
      throw new InputError(`${PFX_PASSPHRASE_ENV} is set but empty; set it to the passphrase for the PFX file, or unset it to be asked.`);
    }
    return fromEnv;
  }
  if (!sources.isInteractive) {
    throw new InputError(
      `A PFX file needs a passphrase and there is no terminal to ask on; set ${PFX_PASSPHRASE_ENV} (it is never read from the command line).`,
    );
  }
  const first = await sources.promptHidden("Passphrase for the PFX file: ");
  if (isBlank(first)) throw new InputError("The PFX passphrase is empty; run again and type a passphrase (input is hidden).");
  const second = await sources.promptHidden("Repeat the passphrase: ");
  if (second !== first) throw new InputError("The two PFX passphrases do not match; run again and type the same passphrase twice.");
  return first;
}

/** Whitespace only counts as empty: it is what an accidental Enter or a stray space produces. */
function isBlank(passphrase: string): boolean {
  return passphrase.trim().length === 0;
}
