import { describe, expect, it, vi } from "vitest";
import { PFX_PASSPHRASE_ENV, resolvePfxPassphrase } from "../../src/cert/pfx-passphrase.js";
import { ExitCode, InputError } from "../../src/shared/errors.js";

/** A prompt that answers from a script and records the questions it was asked. */
function scriptedPrompt(...answers: string[]) {
  const asked: string[] = [];
  const promptHidden = vi.fn(async (question: string) => {
    asked.push(question);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected extra prompt: ${question}`);
    return answer;
  });
  return { promptHidden, asked };
}

describe("resolvePfxPassphrase", () => {
  it("takes the environment variable without prompting, even on a terminal", async () => {
    const prompt = scriptedPrompt();
    const passphrase = await resolvePfxPassphrase({ env: { [PFX_PASSPHRASE_ENV]: " s3cret pass " }, isInteractive: true, ...prompt });
    expect(passphrase).toBe(" s3cret pass ");
    expect(prompt.promptHidden).not.toHaveBeenCalled();
  });

  it("refuses an empty or blank environment variable instead of prompting", async () => {
    for (const value of ["", "  \t"]) {
      const prompt = scriptedPrompt("typed");
      const failure = resolvePfxPassphrase({ env: { [PFX_PASSPHRASE_ENV]: value }, isInteractive: true, ...prompt });
      await expect(failure).rejects.toThrow(InputError);
      await expect(failure).rejects.toThrow(`${PFX_PASSPHRASE_ENV} is set but empty`);
      expect(prompt.promptHidden).not.toHaveBeenCalled();
    }
  });

  it("asks twice on a terminal and returns the passphrase when both match", async () => {
    const prompt = scriptedPrompt("tëst passphrase", "tëst passphrase");
    expect(await resolvePfxPassphrase({ env: {}, isInteractive: true, ...prompt })).toBe("tëst passphrase");
    expect(prompt.asked).toEqual(["Passphrase for the PFX file: ", "Repeat the passphrase: "]);
  });

  it("refuses two different answers without echoing either", async () => {
    const prompt = scriptedPrompt("first-secret", "second-secret");
    const failure = resolvePfxPassphrase({ env: {}, isInteractive: true, ...prompt });
    await expect(failure).rejects.toThrow(/do not match/);
    const error = (await failure.then(
      () => undefined,
      (e: unknown) => e,
    )) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(ExitCode.InvalidInput);
    expect(error.message).not.toMatch(/first-secret|second-secret/);
  });

  it("refuses an empty answer at the first prompt and does not ask again", async () => {
    const prompt = scriptedPrompt("");
    await expect(resolvePfxPassphrase({ env: {}, isInteractive: true, ...prompt })).rejects.toThrow(/passphrase is empty/);
    expect(prompt.promptHidden).toHaveBeenCalledTimes(1);
  });

  it("without a terminal and without the variable, fails with exit 2 naming the variable", async () => {
    const prompt = scriptedPrompt("never asked");
    const error = await resolvePfxPassphrase({ env: { OTHER: "x" }, isInteractive: false, ...prompt }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.InvalidInput);
    expect((error as InputError).message).toContain(`set ${PFX_PASSPHRASE_ENV}`);
    expect((error as InputError).message).toContain("never read from the command line");
    expect(prompt.promptHidden).not.toHaveBeenCalled();
  });
});
