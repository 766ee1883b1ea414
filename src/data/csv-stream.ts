// CSV read as it streams in, from byte chunks: parseCsv's rules (RFC 4180: a header row, quoted
// fields with "" for a quote, CRLF or LF, blank lines skipped, a BOM dropped) and its errors
// with file and line, but no string per field and nothing kept beyond one unfinished record.
// Each record is handed over as offsets into the bytes, so numbers are parsed straight from them.
import { CsvError } from './csv.js';

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** One record, valid only during the callback that receives it: field i is bytes[starts[i], ends[i]). */
export interface CsvRecord {
  bytes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Fields in this record. */
  count: number;
  /** The 1-based file line the record starts on. */
  line: number;
}

const decoder = new TextDecoder();

/** Field i of a record as text (quotes removed, "" read as one quote). */
export function fieldText(r: CsvRecord, i: number): string {
  const { bytes } = r;
  const start = r.starts[i];
  const end = r.ends[i];
  // Short ASCII fields (category names, numbers) are faster built directly than through TextDecoder.
  if (end - start <= 16) {
    let ascii = true;
    for (let k = start; k < end; k++) if (bytes[k] >= 0x80) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Splits byte chunks into records. push() calls `onRecord` for every record the chunk
 * completes; the first is the header. Quoted fields holding "" are unescaped in place once
 * their record is complete, in the chunk itself (chunks are read once). end() finishes the last record and checks quotes.
 */
export class CsvRecordReader {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 1;
  private first = true;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  /** Which fields of the record being read hold "" pairs, unescaped once the record is complete. */
  private escaped = new Uint8Array(64);
  /** Bytes consumed so far: what a progress bar shows. */
  bytesRead = 0;

  /** 1 for the bytes that end an unquoted field (or must not be in one): the delimiter, LF, CR, the quote. */
  private readonly special = new Uint8Array(256);

  constructor(private readonly source: string, private readonly delimiter: number) {
    for (const b of [delimiter, LF, CR, QUOTE]) this.special[b] = 1;
  }

  push(chunk: Uint8Array, onRecord: (r: CsvRecord) => void): void {
    this.bytesRead += chunk.length;
    let bytes = chunk;
    if (this.carry.length > 0) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    const used = this.records(bytes, false, onRecord);
    // What is left is one unfinished record: kept (copied, the chunk may be reused) for the next chunk.
    this.carry = bytes.slice(used);
  }

  end(onRecord: (r: CsvRecord) => void): void {
    this.records(this.carry, true, onRecord);
    this.carry = new Uint8Array(0);
  }

  /** Hand over every complete record in bytes; returns where the first incomplete one starts. */
  private records(bytes: Uint8Array, atEnd: boolean, onRecord: (r: CsvRecord) => void): number {
    const n = bytes.length;
    const delimiter = this.delimiter;
    let p = 0;
    if (this.first) {
      if (n < 3 && !atEnd) return 0; // a BOM may still be arriving
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) p = 3;
      this.first = false;
    }
    const record: CsvRecord = { bytes, starts: this.starts, ends: this.ends, count: 0, line: 0 };
    const special = this.special;
    let { starts, ends, escaped } = this;
    while (p < n) {
      const recordStart = p;
      let line = this.line;
      let count = 0;
      let quoted = false; // the last field was quoted
      for (;;) {
        if (count === starts.length) {
          this.grow();
          ({ starts, ends, escaped } = this);
        }
        if (p < n && bytes[p] === QUOTE) {
          let q = p + 1;
          let quotes = false;
          for (;;) {
            if (q >= n) {
              if (atEnd) throw new CsvError(this.source, this.line, 'a quoted field is never closed');
              return recordStart;
            }
            const c = bytes[q];
            if (c === QUOTE) {
              if (q + 1 >= n && !atEnd) return recordStart; // "" may straddle the chunks
              if (bytes[q + 1] !== QUOTE) break;
              quotes = true;
              q += 2;
              continue;
            }
            if (c === LF) line++;
            q++;
          }
          starts[count] = p + 1;
          ends[count] = q;
          escaped[count] = quotes ? 1 : 0;
          count++;
          quoted = true;
          p = q + 1;
          if (p < n && bytes[p] !== delimiter && bytes[p] !== LF && bytes[p] !== CR) {
            throw new CsvError(this.source, line, `unexpected ${JSON.stringify(charAt(bytes, p))} after a closing quote (a quote inside a quoted field is written "")`);
          }
        } else {
          const start = p;
          while (p < n && special[bytes[p]] === 0) p++;
          if (p < n && bytes[p] === QUOTE) {
            const field = decoder.decode(bytes.subarray(start, p + 1));
            throw new CsvError(this.source, line, `a quote in the middle of the unquoted field ${JSON.stringify(field)}; quote the whole field`);
          }
          starts[count] = start;
          ends[count] = p;
          escaped[count] = 0;
          count++;
          quoted = false;
        }
        if (p >= n) {
          if (!atEnd) return recordStart;
          break;
        }
        const c = bytes[p];
        if (c === delimiter) {
          p++;
          continue;
        }
        // The record ends at LF, CRLF or a lone CR; a CR last in the chunk may be the first half of a CRLF.
        if (c === CR) {
          if (p + 1 >= n && !atEnd) return recordStart;
          if (bytes[p + 1] === LF) p++;
        }
        p++;
        line++;
        break;
      }
      const firstLine = this.line;
      this.line = line;
      // A line with nothing on it is blank, not a record of one empty field.
      if (count === 1 && !quoted && starts[0] === ends[0]) continue;
      for (let i = 0; i < count; i++) if (escaped[i]) ends[i] = unescapeQuotes(bytes, starts[i], ends[i]);
      record.starts = starts;
      record.ends = ends;
      record.count = count;
      record.line = firstLine;
      onRecord(record);
    }
    return p;
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    const ends = new Int32Array(this.ends.length * 2);
    starts.set(this.starts);
    ends.set(this.ends);
    const escaped = new Uint8Array(this.escaped.length * 2);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/** Read "" as " within bytes[start, end), in place (the record is complete, so never read again raw); returns the new end. */
function unescapeQuotes(bytes: Uint8Array, start: number, end: number): number {
  let w = start;
  for (let p = start; p < end; p++, w++) {
    bytes[w] = bytes[p];
    if (bytes[p] === QUOTE) p++;
  }
  return w;
}

/** The character at byte p, decoded (it may take several bytes). */
function charAt(bytes: Uint8Array, p: number): string {
  return [...decoder.decode(bytes.subarray(p, p + 4))][0] ?? '';
}

/**
 * A CSV's header and rows as the chunks arrive: the header is checked as parseCsv checks it,
 * every row must have as many fields; `onHeader` sees the names, then `onRow` each row (valid
 * during the call only).
 */
export class CsvRowReader {
  /** The header's names, once its line has arrived. */
  columns: string[] | null = null;
  private readonly reader: CsvRecordReader;
  private readonly take = (r: CsvRecord) => this.record(r);

  constructor(
    private readonly source: string,
    delimiter: string,
    private readonly onRow: (r: CsvRecord) => void,
    private readonly onHeader: (columns: string[]) => void = () => undefined,
  ) {
    const code = delimiter.charCodeAt(0);
    if (delimiter.length !== 1 || code >= 0x80 || code === QUOTE || code === LF || code === CR) {
      throw new TypeError(`${source}: delimiter: expected one ASCII character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
    }
    this.reader = new CsvRecordReader(source, code);
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.reader.bytesRead;
  }

  push(chunk: Uint8Array): void {
    this.reader.push(chunk, this.take);
  }

  /** The source has ended: finish the last row; a file without a header line is an error. */
  end(): void {
    this.reader.end(this.take);
    if (this.columns === null) throw new CsvError(this.source, 1, 'the file is empty; expected a header line');
  }

  private record(r: CsvRecord): void {
    const columns = this.columns;
    if (columns === null) {
      this.columns = header(r, this.source);
      this.onHeader(this.columns);
      return;
    }
    if (r.count !== columns.length) {
      throw new CsvError(this.source, r.line, `expected ${columns.length} fields (${columns.join(', ')}), got ${r.count}`);
    }
    this.onRow(r);
  }
}

function header(r: CsvRecord, source: string): string[] {
  const columns: string[] = [];
  for (let i = 0; i < r.count; i++) {
    const name = fieldText(r, i);
    if (name.trim() === '') throw new CsvError(source, r.line, `column ${i + 1} of the header has no name`);
    if (columns.includes(name)) throw new CsvError(source, r.line, `the header names column ${JSON.stringify(name)} twice`);
    columns.push(name);
  }
  return columns;
}
