/** CSV in (RFC 4180 with a BOM and bare LFs) and out (quoting, and cells a spreadsheet would run as formulas). */
import { describe, expect, it } from "vitest";
import { csvField, csvLine, parseCsv } from "../../src/bulk/csv.js";
import { InputError } from "../../src/shared/errors.js";

describe("parseCsv", () => {
  it("reads quoted fields with commas, doubled quotes and line breaks, and keeps each record's first line", () => {
    const text = '\uFEFFtenant,friendlyName\r\na.onmicrosoft.com,"Fabrikam, ""Inc."""\r\n\r\nb.onmicrosoft.com,"two\nlines"\nc.onmicrosoft.com,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["tenant", "friendlyName"] },
      { line: 2, fields: ["a.onmicrosoft.com", 'Fabrikam, "Inc."'] },
      { line: 4, fields: ["b.onmicrosoft.com", "two\nlines"] },
      { line: 6, fields: ["c.onmicrosoft.com", ""] },
    ]);
  });

  it("a quote left open is an input error naming the line where it opened", () => {
    expect(() => parseCsv('tenant\r\n"a.onmicrosoft.com\r\nb\r\n')).toThrow(InputError);
    expect(() => parseCsv('tenant\r\n"a.onmicrosoft.com\r\nb\r\n')).toThrow(/line 2/);
  });
});

describe("csvField", () => {
  it("quotes only what needs it and round-trips through parseCsv", () => {
    const values = ["plain", "with, comma", 'with "quotes"', "two\r\nlines", " padded "];
    const line = csvLine(values);
    expect(line).toBe('plain,"with, comma","with ""quotes""","two\r\nlines"," padded "\r\n');
    expect(parseCsv(line)[0]?.fields).toEqual(values);
  });

  it("defuses cells a spreadsheet would run as a formula (= + - @ tab CR) with a leading apostrophe", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("\tcmd")).toBe("'\tcmd");
    expect(csvField("Contoso = good")).toBe("Contoso = good");
    expect(csvField(undefined)).toBe("");
  });
});
