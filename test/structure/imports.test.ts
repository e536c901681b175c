/**
 * The module graph of src/ has no cycles, counting every kind of import (type-only ones and
 * dynamic import() too: a type-only cycle still ties two modules into one), and src/ holds no
 * `as never` cast. The first tests prove the scanner sees each form, so the last ones can fail.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findCycles, importGraph, importSpecifiers, relativeToRepo, sourceFiles, withoutComments } from "./source-scan.js";

describe("the import scanner", () => {
  it("sees static, type-only, multi-line, re-export and dynamic imports, and skips comments", () => {
    const source = [
      'import { a } from "./a.js";',
      'import type { B } from "./b.js";',
      "import {\n  c,\n  type C,\n} from './c.js';",
      'import "./d.js";',
      'export { e } from "./e.js";',
      'export type { F } from "./f.js";',
      'export * from "./g.js";',
      'const h = await import("./h.js");',
      'type I = import("./i.js").I;',
      '/** import { z } from "./in-a-comment.js"; */',
      '// const y = await import("./also-a-comment.js");',
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(["./a.js", "./b.js", "./c.js", "./d.js", "./e.js", "./f.js", "./g.js", "./h.js", "./i.js"]);
  });

  it("finds a cycle closed by a type-only import, and none in a tree", () => {
    const cyclic = new Map([
      ["execute.ts", ["steps.ts", "types.ts"]],
      ["steps.ts", ["execute.ts"]],
      ["types.ts", []],
    ]);
    expect(findCycles(cyclic)).toEqual([["execute.ts", "steps.ts"]]);
    expect(findCycles(new Map([["self.ts", ["self.ts"]]]))).toEqual([["self.ts"]]);
    expect(findCycles(new Map([["a.ts", ["b.ts", "c.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]]))).toEqual([]);
  });
});

describe("src/", () => {
  it("has no import cycles", () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    // The CLI's entry reaches the commands (a sanity check that edges are really found).
    const cli = [...graph.entries()].find(([file]) => file.endsWith("src/cli/cli.ts"));
    expect(cli?.[1].some((t) => t.endsWith("src/cli/commands/plan.ts"))).toBe(true);
    expect(findCycles(graph).map((cycle) => cycle.map(relativeToRepo).join(" ↔ "))).toEqual([]);
  });

  it("throws only the error vocabulary of src/shared/errors.ts outside the simulation", () => {
    // A plain Error reaches the user as "run with --verbose for details" with no word on whose
    // fault it is; the vocabulary says (input, Graph's answer, a bug) and carries the exit code.
    expect(withoutComments('throw new Error("x");')).toMatch(/\bthrow new Error\(/);
    const simulation = /\/src\/(fake|sandbox)\//;
    const offenders = sourceFiles().filter((file) => !simulation.test(file) && /\bthrow new Error\(/.test(withoutComments(readFileSync(file, "utf8"))));
    expect(offenders.map(relativeToRepo)).toEqual([]);
  });

  it("has no `as never` cast", () => {
    expect(withoutComments("const x = y as never;")).toMatch(/\bas never\b/);
    const offenders = sourceFiles().filter((file) => /\bas never\b/.test(withoutComments(readFileSync(file, "utf8"))));
    expect(offenders.map(relativeToRepo)).toEqual([]);
  });
});
