/**
 * CSV as RFC 4180 ("Common Format and MIME Type for Comma-Separated Values (CSV) Files") defines it:
 * fields separated by commas, records by CRLF (a bare LF is accepted too), a field in double quotes
 * may hold commas, quotes (doubled) and line breaks. Plus a UTF-8 byte order mark, which spreadsheet
 * programs write. Output cells that a spreadsheet would run as a formula are defused (OWASP "CSV
 * Injection"): tenant-supplied names end up in files admins open in Excel.
 */
import { InputError } from "../shared/errors.js";

export interface CsvRecord {
  /** 1-based line where the record starts (a quoted field may span lines). */
  line: number;
  fields: string[];
}

/** Parses CSV text; a quote left open is an input error naming its line. Blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "" || fieldStarted) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
    fieldStarted = false;
  };
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === "") {
      quoted = true;
      fieldStarted = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      fieldStarted = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) throw new InputError(`line ${recordLine}: a quoted field is never closed (a '"' is missing).`);
  endRecord();
  return records;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field: formula-like cells get a leading apostrophe; quoted when it holds , " CR or LF. */
export function csvField(value: string | undefined | null): string {
  let text = value ?? "";
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF. */
export function csvLine(values: readonly (string | undefined | null)[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
