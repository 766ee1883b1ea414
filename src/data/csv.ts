// CSV reading: RFC 4180 (header row, quoted fields with "" for a quote, CRLF or LF), and numeric
// columns whose missing or malformed values are reported with the line they are on. Our own small
// parser rather than csv-parse: it is about 80 lines, has no dependency for the browser bundle,
// and keeps the file line of every row, which the error messages need.
import { describe } from '../validate/values.js';

/** A parsed CSV file: what parseCsv returns and the column helpers read. */
export interface CsvTable {
  /** The header's names, in file order. */
  columns: string[];
  /** One array of raw field strings per data row, each as long as `columns`. */
  rows: string[][];
  /** The 1-based file line each row starts on (a quoted field may span lines). */
  lines: number[];
}

/** Options of parseCsv. */
export interface CsvOptions {
  /** Field separator, one character (default ','). */
  delimiter?: string;
  /** Names the source in error messages (default 'csv'). */
  source?: string;
}

/** A malformed file or value; `line` is the 1-based file line. */
export class CsvError extends SyntaxError {
  /**
   * The message is `source, line N: detail`.
   * @param source The file (or CsvOptions.source) the message names.
   * @param line The 1-based file line of the fault.
   * @param detail What is wrong there, after `source, line N: ` in the message.
   */
  constructor(readonly source: string, readonly line: number, detail: string) {
    super(`${source}, line ${line}: ${detail}`);
    this.name = 'CsvError';
  }
}

/** Values read as missing in a numeric column, besides the empty field. */
export const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', '?']);

/** Parse CSV text whose first line is the header. Blank lines are skipped. */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  if (options === null || typeof options !== 'object') throw new TypeError(`parseCsv: options: expected an options object, got ${describe(options)}`);
  const source = options.source ?? 'csv';
  const delimiter = options.delimiter ?? ',';
  if (typeof text !== 'string') throw new TypeError(`parseCsv: text: expected a string, got ${describe(text)}`);
  if (typeof source !== 'string') throw new TypeError(`parseCsv: source: expected a string, got ${describe(source)}`);
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new TypeError(`parseCsv: delimiter: expected one character other than a quote or newline, got ${describe(delimiter)}`);
  }
  const records = splitRecords(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, source);
  if (records.length === 0) throw new CsvError(source, 1, 'the file is empty; expected a header line');
  const { fields: columns, line: headerLine } = records[0];
  const seen = new Set<string>();
  columns.forEach((name, i) => {
    if (name.trim() === '') throw new CsvError(source, headerLine, `column ${i + 1} of the header has no name`);
    if (seen.has(name)) throw new CsvError(source, headerLine, `the header names column ${JSON.stringify(name)} twice`);
    seen.add(name);
  });
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const { fields, line } of records.slice(1)) {
    if (fields.length !== columns.length) {
      throw new CsvError(source, line, `expected ${columns.length} fields (${columns.join(', ')}), got ${fields.length}`);
    }
    rows.push(fields);
    lines.push(line);
  }
  return { columns, rows, lines };
}

/** Split into records of fields, keeping each record's first line; quotes may hold delimiters and newlines. */
function splitRecords(text: string, delimiter: string, source: string): Array<{ fields: string[]; line: number }> {
  const records: Array<{ fields: string[]; line: number }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted: only a delimiter or line end may follow
  const endRecord = () => {
    fields.push(field);
    // A line with nothing on it is blank, not a record of one empty field.
    if (!(fields.length === 1 && field === '' && !wasQuoted)) records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (wasQuoted) {
      throw new CsvError(source, line, `unexpected ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field is written "")`);
    } else if (c === '"') {
      if (field !== '') throw new CsvError(source, line, `a quote in the middle of the unquoted field ${JSON.stringify(field + c)}; quote the whole field`);
      quoted = true;
      wasQuoted = true;
    } else field += c;
  }
  if (quoted) throw new CsvError(source, recordLine, 'a quoted field is never closed');
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** The index of column `name`, or a CsvError naming the columns there are. */
export function columnIndex(table: CsvTable, name: string, source = 'csv'): number {
  const t = table as CsvTable | null;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.columns) || !Array.isArray(t.rows) || !Array.isArray(t.lines)) {
    throw new TypeError(`${source}: table: expected what parseCsv returns, got ${describe(table)}`);
  }
  if (typeof name !== 'string') throw new TypeError(`${source}: column name: expected a string, got ${describe(name)}`);
  const i = table.columns.indexOf(name);
  if (i < 0) throw new CsvError(source, 1, `no column ${JSON.stringify(name)}; the columns are ${table.columns.join(', ')}`);
  return i;
}

/** The raw strings of one column. */
export function textColumn(table: CsvTable, name: string, source = 'csv'): string[] {
  const i = columnIndex(table, name, source);
  return table.rows.map((row) => row[i]);
}

/** One column as numbers; a missing (empty, NA, ?) or non-numeric value throws with its line. */
export function numberColumn(table: CsvTable, name: string, source = 'csv'): Float64Array {
  const i = columnIndex(table, name, source);
  const out = new Float64Array(table.rows.length);
  table.rows.forEach((row, r) => {
    const raw = row[i].trim();
    if (MISSING.has(raw)) throw new CsvError(source, table.lines[r], `column ${JSON.stringify(name)} has a missing value (${JSON.stringify(row[i])})`);
    const v = Number(raw);
    if (!Number.isFinite(v)) throw new CsvError(source, table.lines[r], `column ${JSON.stringify(name)}: ${JSON.stringify(row[i])} is not a number`);
    out[r] = v;
  });
  return out;
}
