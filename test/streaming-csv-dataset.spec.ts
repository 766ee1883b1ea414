// csvDataset against the in-memory path (parseCsv, the model's EncodingBuilder and Encoding):
// the same encoding, the same rows, the same errors with file and line, from every kind of
// source; a hold-out that splits the rows; fit on it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvDataset, EncodingBuilder, Network, parseCsv, Random, type CsvDataset } from '../src/index.js';
import { tableRows } from '../src/model/records.js';

const dir = mkdtempSync(join(tmpdir(), 'backprop-csv-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded table: two numbers, a category, a class target; CRLF, a quoted field and a blank line on the way. */
function table(rows = 300, seed = 4): string {
  const rng = new Random(seed);
  const lines = ['\ufeffa,b,color,label'];
  const colors = ['red', '"green, light"', 'blue'];
  for (let r = 0; r < rows; r++) {
    const a = (rng.uniform() * 100 - 50).toFixed(3);
    const b = rng.normal().toPrecision(7);
    lines.push(`${a},${b},${colors[rng.below(3)]},${rng.below(2) ? 'yes' : 'no'}`);
    if (r === 10) lines.push('');
  }
  return lines.join('\r\n') + '\r\n';
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const choices = { target: 'label', categorical: ['color', 'label'], standardize: ['a', 'b'] };

/** What the in-memory path makes of the text: the encoding and every row's inputs and targets. */
function inMemory(text: string, source: string) {
  const t = parseCsv(text, { source });
  const { records, error } = tableRows(t, source);
  const builder = new EncodingBuilder(choices, { columns: t.columns, error });
  for (const record of records) builder.add(record);
  const encoding = builder.finish();
  return { encoding, x: encoding.encodeInputs(records, error), y: encoding.encodeTargets(records, error) };
}

async function collect(dataset: CsvDataset): Promise<{ x: number[]; y: number[]; batches: number }> {
  const x: number[] = [];
  const y: number[] = [];
  let batches = 0;
  for await (const batch of dataset() as AsyncIterable<{ x: Float32Array; y: Float32Array }>) {
    x.push(...batch.x);
    y.push(...batch.y);
    batches++;
  }
  return { x, y, batches };
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('csvDataset', () => {
  const text = table();
  const path = file('mixed.csv', text);
  const expected = inMemory(text, path);

  it('fits the encoding the in-memory path fits, and gives the same rows, in batches of batchRows', async () => {
    const data = await csvDataset(path, { ...choices, batchRows: 64 });
    expect(data.encoding.toJSON()).toEqual(expected.encoding.toJSON());
    expect(data.rows).toBe(300);
    expect(data.columns).toEqual(['a', 'b', 'color', 'label']);
    const got = await collect(data);
    expect(got.batches).toBe(5);
    expect(Float32Array.from(got.x)).toEqual(expected.x);
    expect(Float32Array.from(got.y)).toEqual(expected.y);
  });

  it('reads a Blob, a File, and functions giving a ReadableStream or a Response, to the same rows', async () => {
    const bytes = new TextEncoder().encode(text);
    const sources = [
      new Blob([bytes]),
      new File([bytes], 'upload.csv'),
      () => new Blob([bytes]).stream(),
      () => new Response(bytes),
    ];
    for (const source of sources) {
      const got = await collect(await csvDataset(source, choices));
      expect(Float32Array.from(got.x)).toEqual(expected.x);
      expect(Float32Array.from(got.y)).toEqual(expected.y);
    }
  });

  it("takes a saved model's encoding: no first pass, so a stream read once will do", async () => {
    const json = JSON.parse(JSON.stringify(expected.encoding.toJSON()));
    const data = await csvDataset(() => new Blob([text]).stream(), { encoding: json });
    expect(data.rows).toBeUndefined();
    expect(Float32Array.from((await collect(data)).x)).toEqual(expected.x);
    await expect(csvDataset(new Blob([text]).stream(), choices)).rejects.toThrow('csvDataset: source: a stream can be read once');
    await expect(csvDataset(path, { encoding: json, target: 'label' })).rejects.toThrow('csvDataset: target: the encoding given decides the columns');
    const extra = file('extra.csv', 'a,b,color,label,z\n1,2,red,yes,9\n');
    await expect(csvDataset(extra, { encoding: json })).rejects.toThrow(`${extra}, line 1: unknown column "z"`);
  });

  it('holds out rows by a seeded hash: train and validation split the rows, the same way every pass', async () => {
    const data = await csvDataset(path, { ...choices, validation: 0.25, seed: 3 });
    const held = data.validation!;
    expect(data.rows! + held.rows!).toBe(300);
    expect(held.rows).toBeGreaterThan(50);
    expect(held.rows).toBeLessThan(100);
    const train = await collect(data);
    const validation = await collect(held);
    expect(train.x.length / expected.encoding.inputWidth).toBe(data.rows);
    expect(validation.x.length / expected.encoding.inputWidth).toBe(held.rows);
    expect((await collect(data)).x).toEqual(train.x);
    // The train part's encoding is fitted on its own rows only.
    expect(data.encoding.toJSON()).not.toEqual(expected.encoding.toJSON());
  });

  for (const [what, bad, line] of [
    ['text in a number column', ['12.5,oops,red,yes'], 4],
    ['a missing value', ['12.5,NA,red,yes'], 4],
    ['a ragged row', ['1,2,red'], 4],
    ['an unknown category', ['1,2,purple,yes'], 4],
  ] as const) {
    it(`${what}: the error the in-memory path gives, with file and line`, async () => {
      const json = expected.encoding.toJSON();
      const lines = ['a,b,color,label', '1,2,red,no', '3,4,blue,yes', ...bad, '5,6,red,no'];
      const csv = file(`bad-${line}-${what.replace(/\W/g, '')}.csv`, lines.join('\n') + '\n');
      const encodingNow = (() => {
        const t = parseCsv(lines.join('\n'), { source: csv });
        const { records, error } = tableRows(t, csv);
        return expected.encoding.encodeInputs(records, error);
      });
      const message = errorOf(encodingNow);
      expect(message).toContain(`${csv}, line ${line}: `);
      // Found while reading the header's chunk or the epoch's rows: either way, the same error.
      await expect((async () => collect(await csvDataset(csv, { encoding: json })))()).rejects.toThrow(message);
    });
  }

  it('text in most of a number column says to make it categorical, with its line, as the CLI did', async () => {
    const csv = file('words.csv', 'a,b,label\nx,1,0\ny,2,1\nz,3,0\n');
    await expect(csvDataset(csv, { target: 'label' })).rejects.toThrow(`${csv}, line 2: column "a" holds text ("x"); to use it as an input, add categorical: ["a"]`);
  });

  it('names the file that is not there, and checks its options', async () => {
    await expect(csvDataset(join(dir, 'nope.csv'), choices)).rejects.toThrow(`csvDataset: source: cannot read ${join(dir, 'nope.csv')}: no such file`);
    await expect(csvDataset(42 as never, choices)).rejects.toThrow('csvDataset: source: expected a file path, a ReadableStream, a Blob or File, a Response, or a function returning one, got number 42');
    await expect(csvDataset(path, { ...choices, batchRow: 3 } as never)).rejects.toThrow('csvDataset: options: unknown option "batchRow"');
    await expect(csvDataset(path, {})).rejects.toThrow('csvDataset: target: expected the name of the column to predict, got undefined');
  });

  it('trains through fit, with progress counted in rows and bytes', async () => {
    const progress: Array<{ rows: number; bytes: number; pass: number }> = [];
    const data = await csvDataset(path, { ...choices, validation: 0.2, onProgress: (p) => progress.push(p) });
    const net = await Network.create({ layers: [data.encoding.inputWidth, 8, { units: data.encoding.outputWidth, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 1, backend: 'js' });
    const history = await net.fit(data, { epochs: 3, batchSize: 16, learningRate: 0.05, shuffleBuffer: 64, validationData: data.validation!, metrics: ['accuracy'] });
    expect(history.epochs).toBe(3);
    expect(history.valLoss).toHaveLength(3);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    const size = new TextEncoder().encode(text).length;
    // The encoding's pass, then each epoch's training and validation passes: 1 + 3 × 2.
    expect(progress.at(-1)).toEqual({ rows: 300, bytes: size, totalBytes: size, pass: 6 });
  });
});
