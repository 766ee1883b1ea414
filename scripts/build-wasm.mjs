// Compiles assembly/ to Wasm four times (asconfig.json): a 128-bit SIMD build and a relaxed-SIMD
// build whose multiply-adds become fused (f32x4.relaxed_madd), each once with its own memory and
// once importing a shared memory for multi-threaded training. All are embedded as base64 in
// src/backends/wasm/kernels.generated.ts, so `import { Network } from 'backprop'` needs no
// .wasm file path in Node or in a bundler; the runtime picks the best build it validates.
// The four builds are mostly the same bytes (the shared ones differ in the memory import and the
// data section, the relaxed ones in a few function bodies), so each is embedded as a list of
// chunks (the header, each section, each function body of the code section) into one table of
// distinct chunks: about 1.6 builds' bytes instead of 4, which keeps the browser bundle small.
import asc from 'assemblyscript/asc';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const builds = [
  { target: 'simd', name: 'wasm-simd', file: 'build/kernels-simd.wasm', shared: false },
  { target: 'relaxed', name: 'wasm-relaxed-simd', file: 'build/kernels-relaxed-simd.wasm', shared: false },
  { target: 'simd-shared', name: 'wasm-simd', file: 'build/kernels-simd-shared.wasm', shared: true },
  { target: 'relaxed-shared', name: 'wasm-relaxed-simd', file: 'build/kernels-relaxed-simd-shared.wasm', shared: true },
];
const cut = []; // each build's chunks, in module order
for (const b of builds) {
  const { error, stderr } = await asc.main(['--config', 'asconfig.json', '--target', b.target], {});
  if (error) {
    console.error(stderr.toString());
    console.error(`build-wasm: ${b.target}: ${error.message}`);
    process.exit(1);
  }
  const bytes = readFileSync(b.file);
  cut.push(wasmChunks(bytes));
  console.log(`build-wasm: ${b.file} ${bytes.length} bytes`);
}

// The table holds each distinct chunk once, in the order of their places in the modules: the builds'
// versions of one function side by side, where gzip (which finds repeats only within 32 KB) sees that
// they differ in a few bytes. It is written as a string of one character per byte, printable ASCII as
// itself and every other byte as \xHH: gzip then sees the bytes' own repeats, which base64's 6-bit
// units hide (18 KB gzipped against 24 as base64, and steady when a function changes).
const chunkIndex = new Map(); // a distinct chunk's bytes (as latin1 text) → its index
const chunks = [];
const places = Math.max(...cut.map((c) => c.length));
for (let place = 0; place < places; place++) {
  for (const list of cut) {
    const chunk = list[place];
    if (!chunk) continue;
    const text = chunk.toString('latin1');
    if (!chunkIndex.has(text)) {
      chunkIndex.set(text, chunks.length);
      chunks.push(chunk);
    }
  }
}
const entries = { false: [], true: [] };
builds.forEach((b, i) => {
  const ids = cut[i].map((chunk) => chunkIndex.get(chunk.toString('latin1')));
  entries[b.shared].push(`  { name: '${b.name}', chunks: [${ids.join(',')}] },`);
});
const table = Buffer.concat(chunks);
/** The bytes as the body of a single-quoted JS string: one character per byte. */
function byteString(bytes) {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}
console.log(`build-wasm: ${builds.length} builds embedded as ${chunks.length} distinct chunks, ${table.length} bytes`);

/** A module's bytes cut where builds tend to differ: the header, each section, and the code section's function bodies one by one. */
function wasmChunks(bytes) {
  const leb = (at) => {
    let value = 0;
    let shift = 0;
    let byte;
    do {
      byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return { value, next: at };
  };
  const out = [bytes.subarray(0, 8)];
  for (let at = 8; at < bytes.length; ) {
    const size = leb(at + 1);
    const end = size.next + size.value;
    if (bytes[at] === 10) {
      // The code section: its header and the body count, then each body with its size.
      let body = leb(size.next).next;
      out.push(bytes.subarray(at, body));
      while (body < end) {
        const next = leb(body);
        out.push(bytes.subarray(body, next.next + next.value));
        body = next.next + next.value;
      }
    } else {
      out.push(bytes.subarray(at, end));
    }
    at = end;
  }
  return out;
}
const out = 'src/backends/wasm/kernels.generated.ts';
// The type is written out, not inferred `as const`: the package's .d.ts would otherwise spell the whole table.
// The marker opens the table's string (the reader skips to its colon, the first in the string): a copy of the
// library in any bundle is one occurrence of it, so test/consumers/ counts copies by it. Written nowhere else.
const CHUNKS_MARKER = 'backprop-kernels:';
const names = [...new Set(builds.map((b) => `'${b.name}'`))].join(' | ');
const text =
  `// generated by scripts/build-wasm.mjs from assembly/ — do not edit\n` +
  `/** A kernel build: its name and the chunks its Wasm bytes are made of. */\n` +
  `export interface KernelBuildSource {\n  readonly name: ${names};\n  /** Indexes into kernelChunks: the build's bytes are those chunks in this order. */\n  readonly chunks: readonly number[];\n}\n` +
  `/** Every distinct chunk of the builds, one after another, one character per byte (the marker first), and each chunk's length in bytes. */\n` +
  `export const kernelChunks: { readonly bytes: string; readonly lengths: readonly number[] } = {\n  bytes: '${CHUNKS_MARKER}${byteString(table)}',\n  lengths: [${chunks.map((c) => c.length).join(',')}],\n};\n` +
  `/** The kernel builds, best first: the runtime uses the first one it validates. */\n` +
  `export const kernelBuilds: readonly KernelBuildSource[] = [\n${entries.false.reverse().join('\n')}\n];\n` +
  `/** The same builds importing a shared memory, for networks trained on several threads. */\n` +
  `export const sharedKernelBuilds: readonly KernelBuildSource[] = [\n${entries.true.reverse().join('\n')}\n];\n`;
// Rewritten only when it changes, whole and renamed into place: tests running on src/ while a
// build runs (npm pack's prepack in test/consumers/) never see half a file or a newer src/.
const changed = !existsSync(out) || readFileSync(out, 'utf8') !== text;
if (changed) {
  writeFileSync(`${out}.tmp-${process.pid}`, text);
  renameSync(`${out}.tmp-${process.pid}`, out);
}
console.log(`build-wasm: ${changed ? 'wrote' : 'unchanged:'} ${out}`);
