/** Colours for text on a terminal; plain text when stdout is not one or NO_COLOR is set. */
import type { CliContext } from "../context.js";

/** Colour only on an interactive terminal, and never with NO_COLOR (https://no-color.org). */
export function useColor(ctx: Pick<CliContext, "isInteractive" | "env">): boolean {
  return ctx.isInteractive && !ctx.env.NO_COLOR;
}

export interface Style {
  add: (s: string) => string;
  change: (s: string) => string;
  destroy: (s: string) => string;
  warn: (s: string) => string;
  bold: (s: string) => string;
}

export function styleFor(ctx: Pick<CliContext, "isInteractive" | "env">): Style {
  const color = useColor(ctx);
  const wrap = (code: string) => (s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { add: wrap("32"), change: wrap("33"), destroy: wrap("31"), warn: wrap("33"), bold: wrap("1") };
}

/** "1 difference", "2 differences". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
