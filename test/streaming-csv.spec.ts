// The streamed CSV reader against parseCsv (same rows, same lines, same errors) for every way
// the bytes can be cut into chunks, and the byte number parser against Number().
import { describe, expect, it } from 'vitest';
import { parseCsv, Random } from '../src/index.js';
import { CsvRowReader, fieldText, type CsvRecord } from '../src/data/csv-stream.js';
import { parseDecimal } from '../src/data/number-parser.js';

const encoder = new TextEncoder();

/** Read `text` through the streamed reader, cut into chunks at `cuts` (byte offsets). */
function readStreamed(text: string, cuts: number[], source = 'csv'): { columns: string[]; rows: string[][]; lines: number[] } {
  const rows: string[][] = [];
  const lines: number[] = [];
  const reader = new CsvRowReader(source, ',', (r: CsvRecord) => {
    rows.push(Array.from({ length: r.count }, (_, i) => fieldText(r, i)));
    lines.push(r.line);
  });
  const bytes = encoder.encode(text);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    reader.push(bytes.slice(at, Math.max(at, cut)));
    at = Math.max(at, cut);
  }
  reader.end();
  return { columns: reader.columns!, rows, lines };
}

function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Every single cut, and random multi-cuts: a record, a quote pair or a CRLF may straddle chunks. */
function cutsOf(length: number, rng: Random): number[][] {
  const all: number[][] = [[]];
  for (let c = 0; c <= length; c++) all.push([c]);
  for (let k = 0; k < 20; k++) all.push(Array.from({ length: 4 }, () => rng.below(length + 1)).sort((a, b) => a - b));
  all.push(Array.from({ length }, (_, i) => i)); // one byte at a time
  return all;
}

const CASES: Record<string, string> = {
  plain: 'a,b,c\n1,2,3\n4,5,6\n',
  'no final newline': 'a,b\n1,2\n3,4',
  crlf: 'a,b\r\n1,2\r\n3,4\r\n',
  'lone CR': 'a,b\r1,2\r3,4',
  bom: '\ufeffx,y\n1,2\n',
  'blank lines': 'a,b\n\n1,2\n\n\n3,4\n\n',
  quoted: 'name,note\n"Smith, J","said ""hi"""\n"multi\nline",x\n"",y\n',
  unicode: 'город,ü\n"Zürich, CH",日本\n',
  'trailing delimiter': 'a,b,c\n1,2,\n',
  'ragged row': 'a,b\n1,2\n3\n',
  'quote mid field': 'a,b\n1,x"y\n',
  'text after closing quote': 'a,b\n"x"y,1\n',
  'unclosed quote': 'a,b\n1,"open\nstill open\n',
  'empty file': '',
  'header without a name': 'a,,c\n1,2,3\n',
  'header twice': 'a,b,a\n1,2,3\n',
};

describe('streamed CSV reader', () => {
  const rng = new Random(7);
  for (const [name, text] of Object.entries(CASES)) {
    it(`${name}: same rows, lines and errors as parseCsv, however the bytes are cut`, () => {
      const expected = outcome(() => parseCsv(text));
      for (const cuts of cutsOf(encoder.encode(text).length, rng)) {
        expect(outcome(() => readStreamed(text, cuts)), `cuts ${cuts.join(',')}`).toEqual(expected);
      }
    });
  }

  it('random tables with quotes, separators and newlines in fields read as parseCsv reads them', () => {
    const pieces = ['1', '-2.5', 'x', '', '"q,1"', '"a""b"', '"line\nbreak"', 'é', '"\r\n"'];
    for (let t = 0; t < 40; t++) {
      const width = 1 + rng.below(4);
      const lines = ['h' + Array.from({ length: width - 1 }, (_, i) => `,c${i}`).join('')];
      for (let r = 0; r < 1 + rng.below(6); r++) lines.push(Array.from({ length: width }, () => pieces[rng.below(pieces.length)]).join(','));
      const text = lines.join(rng.below(2) ? '\n' : '\r\n') + (rng.below(2) ? '\n' : '');
      const expected = outcome(() => parseCsv(text));
      for (let k = 0; k < 10; k++) {
        const cuts = Array.from({ length: 3 }, () => rng.below(text.length + 1)).sort((a, b) => a - b);
        expect(outcome(() => readStreamed(text, cuts)), JSON.stringify(text)).toEqual(expected);
      }
    }
  });

  it('names the source in its errors, as parseCsv does', () => {
    expect(() => readStreamed('a,b\n1\n', [], 'big.csv')).toThrow('big.csv, line 2: expected 2 fields (a, b), got 1');
  });
});

describe('byte number parser', () => {
  const parse = (s: string) => {
    const b = encoder.encode(s);
    return parseDecimal(b, 0, b.length);
  };

  it('gives the float64 Number() gives, and so the same float32, wherever it applies', () => {
    const rng = new Random(3);
    let fast = 0;
    const wrong: string[] = [];
    for (let k = 0; k < 50_000; k++) {
      const digits = 1 + rng.below(17);
      let s = '';
      for (let d = 0; d < digits; d++) s += String(rng.below(10));
      const point = rng.below(digits + 2);
      if (point < digits) s = s.slice(0, point) + '.' + s.slice(point);
      if (rng.below(3) === 0) s += `e${rng.below(2) ? '-' : ''}${rng.below(30)}`;
      if (rng.below(2)) s = '-' + s;
      const v = parse(s);
      if (Number.isNaN(v)) continue; // not the fast path: the caller falls back to Number()
      fast++;
      if (!Object.is(v, Number(s)) || !Object.is(Math.fround(v), Math.fround(Number(s)))) wrong.push(s);
    }
    expect(wrong).toEqual([]);
    expect(fast).toBeGreaterThan(35_000);
  });

  it('reads the usual forms and leaves the rest to Number()', () => {
    expect(parse('42')).toBe(42);
    expect(parse(' -0.5 ')).toBe(-0.5);
    expect(Object.is(parse('-0'), -0)).toBe(true);
    expect(parse('.25')).toBe(0.25);
    expect(parse('3.')).toBe(3);
    expect(parse('+1e3')).toBe(1000);
    expect(parse('1.5E-3')).toBe(0.0015);
    for (const s of ['', ' ', '-', '.', 'e5', '1e', '1e+', 'NaN', 'Infinity', '0x10', '1,5', '12a', '1e400', '12345678901234567']) {
      expect(Number.isNaN(parse(s)), s).toBe(true);
    }
  });
});
