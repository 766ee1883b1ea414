// The data helpers on small hand-made CSVs (good and broken) and hand-checked numbers.
import { describe, it, expect } from 'vitest';
import {
  parseCsv, numberColumn, textColumn, CsvError, dummies, categoriesOf, oneHot, columnsToRows,
  fitScaler, standardize, unstandardize, randomSplit, positionSplit, takeRows,
  accuracy, confusionMatrix, meanSquaredError, classes, shiftImages, decodeMnist, loadMnist, Random,
} from '../src/index.js';

/** The error `fn` throws, so a test can check its class and message together. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('parseCsv', () => {
  it('reads a header, numbers, quoted fields with commas, quotes and newlines, CRLF, a BOM and blank lines', () => {
    const text = '\ufeffname,score,note\r\n"Smith, J",1.5,"said ""hi"""\r\n\r\nLee,2,"two\nlines"\nKim,-3e2,\n';
    const t = parseCsv(text);
    expect(t.columns).toEqual(['name', 'score', 'note']);
    expect(t.rows).toEqual([['Smith, J', '1.5', 'said "hi"'], ['Lee', '2', 'two\nlines'], ['Kim', '-3e2', '']]);
    // Line numbers are the file's: the blank line 3 is skipped, the quoted newline makes Kim line 6.
    expect(t.lines).toEqual([2, 4, 6]);
    expect(Array.from(numberColumn(t, 'score'))).toEqual([1.5, 2, -300]);
    expect(textColumn(t, 'name')).toEqual(['Smith, J', 'Lee', 'Kim']);
  });

  it('takes another delimiter and a file with no final newline', () => {
    const t = parseCsv('a;b\n1;2', { delimiter: ';' });
    expect(t.rows).toEqual([['1', '2']]);
  });

  it.each([
    ['a row with too few fields', 'a,b\n1,2\n3\n', 'data.csv, line 3: expected 2 fields (a, b), got 1'],
    ['a row with too many fields', 'a,b\n1,2,3\n', 'data.csv, line 2: expected 2 fields (a, b), got 3'],
    ['an unclosed quote', 'a,b\n1,"2\n3,4\n', 'data.csv, line 2: a quoted field is never closed'],
    ['text after a closing quote', 'a,b\n1,"2"x\n', 'data.csv, line 2: unexpected "x" after a closing quote'],
    ['a quote inside an unquoted field', 'a,b\n1,2"\n', 'data.csv, line 2: a quote in the middle of the unquoted field'],
    ['an empty file', '', 'data.csv, line 1: the file is empty'],
    ['a duplicate column', 'a,a\n1,2\n', 'data.csv, line 1: the header names column "a" twice'],
    ['a nameless column', 'a,\n1,2\n', 'data.csv, line 1: column 2 of the header has no name'],
  ])('reports %s with its line', (_what, text, message) => {
    const e = thrown(() => parseCsv(text, { source: 'data.csv' }));
    expect(e).toBeInstanceOf(CsvError);
    expect(e.message).toContain(message);
  });

  it.each([
    ['an empty field', 'x,y\n1,2\n3,\n', 'line 3: column "y" has a missing value ("")'],
    ['NA', 'x,y\n1,2\n3,4\n5,NA\n', 'line 4: column "y" has a missing value ("NA")'],
    ['?', 'x,y\n1,?\n', 'line 2: column "y" has a missing value ("?")'],
    ['text', 'x,y\n1,2\n3,four\n', 'line 3: column "y": "four" is not a number'],
  ])('a numeric column with %s names the line', (_what, text, message) => {
    const t = parseCsv(text, { source: 'data.csv' });
    const e = thrown(() => numberColumn(t, 'y', 'data.csv'));
    expect(e).toBeInstanceOf(CsvError);
    expect(e.message).toBe(`data.csv, ${message}`);
  });

  it('names the columns there are when one is missing', () => {
    expect(() => numberColumn(parseCsv('a,b\n1,2\n'), 'c')).toThrow('no column "c"; the columns are a, b');
  });
});

describe('dummies and one-hot', () => {
  it('makes one 0/1 column per category, numbers in numeric order (rank_1 … rank_4 as the lesson)', () => {
    const d = dummies(['3', '10', '1', '3'], { prefix: 'rank' });
    expect(d.categories).toEqual(['1', '3', '10']);
    expect(d.names).toEqual(['rank_1', 'rank_3', 'rank_10']);
    expect(d.columns.map((c) => Array.from(c))).toEqual([[0, 0, 1, 0], [1, 0, 0, 1], [0, 1, 0, 0]]);
    expect(categoriesOf(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('encodes new data with the training categories and names an unknown one with its line', () => {
    expect(dummies(['b'], { categories: ['a', 'b'] }).columns.map((c) => c[0])).toEqual([0, 1]);
    expect(() => dummies(['a', 'z'], { categories: ['a', 'b'], prefix: 'kind', lines: [7, 8] }))
      .toThrow('dummies: kind, line 8: unknown category "z"; known: a, b');
  });

  it('one-hot targets and columns side by side as rows', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => oneHot([3], 3)).toThrow(RangeError);
    expect(Array.from(columnsToRows([[1, 2], [3, 4], [5, 6]]))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(() => columnsToRows([[1, 2], [3]])).toThrow('column 1 has 1 values, expected 2');
  });
});

describe('standardisation', () => {
  it('uses the mean and the sample standard deviation, and maps back', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, sample variance 32/7.
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    const s = fitScaler(values);
    expect(s.mean).toBe(5);
    expect(s.std).toBeCloseTo(Math.sqrt(32 / 7), 12);
    const z = standardize(values, s);
    expect(z[0]).toBeCloseTo(-3 / Math.sqrt(32 / 7), 12);
    Array.from(unstandardize(z, s)).forEach((v, i) => expect(v).toBeCloseTo(values[i], 12));
  });

  it('refuses a constant column and too few values', () => {
    expect(() => fitScaler([3, 3, 3], 'temp')).toThrow('fitScaler: temp: every value is 3');
    expect(() => fitScaler([1], 'temp')).toThrow(RangeError);
  });
});

describe('splits', () => {
  it('random: seeded, disjoint, covering every row, with the asked sizes', () => {
    const a = randomSplit(100, { validation: 0.2, test: 0.1, seed: 5 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([70, 20, 10]);
    expect([...a.train, ...a.validation, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(randomSplit(100, { validation: 0.2, test: 0.1, seed: 5 })).toEqual(a);
    expect(randomSplit(100, { validation: 0.2, test: 0.1, seed: 6 }).test).not.toEqual(a.test);
    expect(() => randomSplit(10, { validation: 0.5, test: 0.5, seed: 1 })).toThrow(RangeError);
  });

  it('by position: the last rows test, the ones before validate (a time series)', () => {
    const s = positionSplit(10, { test: 2, validation: 3 });
    expect(Array.from(s.train)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(s.validation)).toEqual([5, 6, 7]);
    expect(Array.from(s.test)).toEqual([8, 9]);
    expect(() => positionSplit(4, { test: 2, validation: 2 })).toThrow('no rows are left to train on');
  });

  it('takeRows gathers rows in the given order', () => {
    expect(Array.from(takeRows([1, 2, 3, 4, 5, 6], 2, [2, 0]))).toEqual([5, 6, 1, 2]);
    expect(() => takeRows([1, 2], 2, [1])).toThrow('rows[0] is 1, expected a row from 0 to 0');
  });
});

describe('metrics', () => {
  it('accuracy and the confusion matrix for one sigmoid output', () => {
    const p = [0.9, 0.2, 0.6, 0.4];
    const y = [1, 0, 0, 1];
    expect(Array.from(classes(p, 1))).toEqual([1, 0, 1, 0]);
    expect(accuracy(p, y, 1)).toBe(0.5);
    expect(confusionMatrix(p, y, 1)).toEqual([[1, 1], [1, 1]]);
  });

  it('accuracy and the confusion matrix for one-hot classes (argmax)', () => {
    const p = [0.7, 0.2, 0.1, 0.1, 0.1, 0.8, 0.3, 0.4, 0.3];
    const y = [1, 0, 0, 0, 0, 1, 1, 0, 0];
    expect(accuracy(p, y, 3)).toBeCloseTo(2 / 3, 12);
    expect(confusionMatrix(p, y, 3)).toEqual([[1, 1, 0], [0, 0, 0], [0, 0, 1]]);
  });

  it('mean squared error over every value', () => {
    expect(meanSquaredError([1, 2, 3], [1, 0, 0])).toBeCloseTo((0 + 4 + 9) / 3, 12);
    expect(() => meanSquaredError([1], [1, 2])).toThrow(RangeError);
  });
});

describe('shiftImages', () => {
  // A 3×3 image with one lit pixel in the middle: every shift moves it to a neighbour.
  const image = Float32Array.from([0, 0, 0, 0, 1, 0, 0, 0, 0]);

  it('moves each image by at most one pixel, filling with background, seeded', () => {
    const many = new Float32Array(9 * 50);
    for (let i = 0; i < 50; i++) many.set(image, i * 9);
    const out = shiftImages(many, 3, 3, { random: new Random(3) });
    const seen = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const img = out.subarray(i * 9, i * 9 + 9);
      expect(img.reduce((s, v) => s + v, 0)).toBe(1); // a 1-pixel move of the centre stays in frame
      seen.add(img.indexOf(1));
    }
    expect(seen.size).toBe(9); // all nine offsets turn up in 50 draws
    expect(shiftImages(many, 3, 3, { random: new Random(3) })).toEqual(out);
  });

  it('with max 0 is a copy, and checks its arguments', () => {
    expect(Array.from(shiftImages(image, 3, 3, { random: new Random(1), max: 0 }))).toEqual(Array.from(image));
    expect(() => shiftImages(image, 2, 2, { random: new Random(1) })).toThrow('expected a multiple of 4 values');
    expect(() => shiftImages(image, 3, 3, { random: new Random(1), max: 3 })).toThrow(RangeError);
  });
});

describe('MNIST digits', () => {
  it('the packed file holds the 10,000 real digits, every class, pixels in [0, 1]', async () => {
    const d = await loadMnist();
    expect([d.count, d.rows, d.cols]).toEqual([10000, 28, 28]);
    const perClass = new Array(10).fill(0);
    for (const l of d.labels) perClass[l]++;
    for (const n of perClass) expect(n).toBeGreaterThan(800);
    // The shuffled order puts every class in the 2,000 held-out digits too.
    expect(new Set(d.labels.subarray(8000)).size).toBe(10);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of d.images) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect([lo, hi]).toEqual([0, 1]);
    expect(Array.from(d.targets.subarray(0, 10)).indexOf(1)).toBe(d.labels[0]);
  });

  it('decodeMnist rejects a file that is not packed digits', () => {
    expect(() => decodeMnist(new Uint8Array(20))).toThrow("expected it to start with 'MNST'");
    const short = Uint8Array.of(0x4d, 0x4e, 0x53, 0x54, 1, 0, 0, 0, 2, 2, 0, 0, 0);
    expect(() => decodeMnist(short)).toThrow('expected 15 bytes for 1 digits of 2×2, got 13');
    const wrongLabel = Uint8Array.of(0x4d, 0x4e, 0x53, 0x54, 1, 0, 0, 0, 1, 1, 255, 12);
    expect(() => decodeMnist(wrongLabel)).toThrow('digit 0 has label 12');
  });
});
