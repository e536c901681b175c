/**
 * JSON.parse keeps the last of two equal keys without a word, so `{"level":20,"level":"debug"}`
 * parses "fine" while every log filter on `level` breaks. This parser follows RFC 8259 and fails
 * on a duplicate key (RFC 8259 §4: names within an object SHOULD be unique).
 */
export function parseStrictJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i} in ${text.slice(0, 200)}`);
  };
  const space = () => {
    while (/[ \t\n\r]/.test(text[i] ?? "")) i++;
  };
  const literal = (word: string, value: unknown) => {
    if (text.slice(i, i + word.length) !== word) fail(`expected ${word}`);
    i += word.length;
    return value;
  };
  const string = (): string => {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(i));
    if (!match) return fail("bad string");
    i += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const value = (): unknown => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      const result: Record<string, unknown> = {};
      space();
      if (text[i] === "}") return i++, result;
      for (;;) {
        space();
        const key = string();
        if (Object.hasOwn(result, key)) fail(`duplicate key "${key}"`);
        space();
        if (text[i++] !== ":") fail("expected :");
        result[key] = value();
        space();
        const next = text[i++];
        if (next === "}") return result;
        if (next !== ",") fail("expected , or }");
      }
    }
    if (c === "[") {
      i++;
      const result: unknown[] = [];
      space();
      if (text[i] === "]") return i++, result;
      for (;;) {
        result.push(value());
        space();
        const next = text[i++];
        if (next === "]") return result;
        if (next !== ",") fail("expected , or ]");
      }
    }
    if (c === '"') return string();
    if (c === "t") return literal("true", true);
    if (c === "f") return literal("false", false);
    if (c === "n") return literal("null", null);
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!number) return fail("unexpected character");
    i += number[0].length;
    return Number(number[0]);
  };
  const result = value();
  space();
  if (i !== text.length) fail("trailing text");
  return result;
}
