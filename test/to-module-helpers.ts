// Helpers of the toModule tests: load a generated module as an app would, measure its code, compare bits.
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = mkdtempSync(join(tmpdir(), 'backprop-module-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

export interface PredictModule {
  predict(input: ArrayLike<number>): Float32Array;
  predictBatch(inputs: ArrayLike<number> | ArrayLike<number>[]): Float32Array;
}

let files = 0;
/** Write the source and load it the way an app would: import() for ESM, require() for CommonJS. */
export async function loadModule<T = PredictModule>(source: string, format: 'esm' | 'cjs'): Promise<T> {
  const file = join(dir, `m${files++}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  writeFileSync(file, source);
  return format === 'esm' ? import(pathToFileURL(file).href) : createRequire(import.meta.url)(file);
}

/** The size of a module's code without its base64 parameters: what the 2 KB budget counts. */
export function codeBytes(source: string): number {
  return source.replace(/"[A-Za-z0-9+/=]{64,}"/g, '""').length;
}

/** Float32 bit patterns, so the comparison is bit for bit (and a NaN or −0 shows). */
export const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

