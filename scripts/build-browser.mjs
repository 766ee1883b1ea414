// Bundles src/index.ts into dist/backprop.browser.js: one minified ES module with the Wasm
// kernels embedded (they are base64 in src/backends/wasm/kernels.generated.ts, so run
// `npm run build:wasm` first). `backprop/exchange` (TF.js and ONNX) becomes
// dist/backprop-exchange.browser.js, which imports the Network class from the core bundle beside
// it, so a page that converts models and one that only trains share one library. trainInWorker's
// worker script becomes dist/worker-entry.js, which imports the core bundle the same way. Node built-ins are only imported through a variable on Node's
// own paths (threads, loadMnist), so nothing here has to be marked external. Prints the size,
// raw and gzipped, beside the browser builds of TensorFlow.js and brain.js where installed.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const out = 'dist/backprop.browser.js';
if (!existsSync('src/backends/wasm/kernels.generated.ts')) {
  console.error('build-browser: src/backends/wasm/kernels.generated.ts is missing; run `npm run build:wasm` first');
  process.exit(1);
}

const outExchange = 'dist/backprop-exchange.browser.js';
mkdirSync('dist', { recursive: true });
const outWorker = 'dist/worker-entry.js';
const outBrain = 'dist/backprop-brain.browser.js';
const options = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, metafile: true, logLevel: 'warning' };

/** The add-on modules' imports of the library (the Network class, the worker's job runner) resolve to the core bundle, not to a second copy of it. */
const fromCore = (pattern) => ({
  name: 'from-core',
  setup(b) {
    b.onResolve({ filter: pattern }, () => ({ path: './backprop.browser.js', external: true }));
  },
});

/**
 * Every import() left in a bundle takes a variable (Node built-ins, on Node's paths only). Minifying
 * drops the comments that tell an app's bundler to leave such an import alone, and webpack then
 * warns "Critical dependency" for each one: put them back.
 */
const ignoredImports = (code) => code.replace(/\bimport\(([A-Za-z_$][\w$]*)\)/g, 'import(/* webpackIgnore: true */ /* @vite-ignore */ $1)');

/** Fail unless the bundle imports exactly `allowed`. */
async function bundle(entry, outfile, allowed, plugins = []) {
  const result = await build({ ...options, entryPoints: [entry], outfile, plugins, write: false });
  // Written whole and renamed into place: a test reading the bundle while another rebuilds it never sees half a file.
  for (const f of result.outputFiles) {
    writeFileSync(`${f.path}.tmp-${process.pid}`, ignoredImports(f.text));
    renameSync(`${f.path}.tmp-${process.pid}`, f.path);
  }
  const imported = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => !i.path.startsWith('<')).map((i) => i.path));
  const extra = imported.filter((p) => !allowed.includes(p));
  if (extra.length > 0) {
    console.error(`build-browser: ${outfile} imports ${extra.join(', ')}; it may import only ${allowed.join(', ') || 'nothing'}`);
    process.exit(1);
  }
}
await bundle('src/index.ts', out, []);
await bundle('src/exchange/index.ts', outExchange, ['./backprop.browser.js'], [fromCore(/\/network\.js$/)]);
// trainInWorker starts `new Worker(new URL('./worker-entry.js', import.meta.url), { type: 'module' })`.
// backprop/brain reaches under the Network facade to the engine, so its bundle carries its own copy of the kernels.
await bundle('src/brain/index.ts', outBrain, []);
await bundle('src/worker/worker-entry.ts', outWorker, ['./backprop.browser.js'], [fromCore(/^\.\.\/index\.js$/)]);

/** Bytes of a file, raw and gzipped (level 9, as a server would send it). */
function sizes(file) {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = (label, s) => `${label.padEnd(44)} ${kb(s.raw).padStart(10)} raw ${kb(s.gzip).padStart(9)} gzipped`;
const version = (dir) => JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;

console.log(line(`build-browser: ${out}`, sizes(out)));
console.log(line(`build-browser: ${outExchange}`, sizes(outExchange)));
console.log(line(`build-browser: ${outWorker}`, sizes(outWorker)));
console.log(line(`build-browser: ${outBrain}`, sizes(outBrain)));
const peers = [
  { name: 'TensorFlow.js', dir: 'node_modules/@tensorflow/tfjs', file: 'dist/tf.min.js' },
  { name: 'brain.js', dir: 'bench/peers/node_modules/brain.js', file: 'browser.min.js' },
];
for (const p of peers) {
  const file = `${p.dir}/${p.file}`;
  if (existsSync(file)) console.log(line(`  for comparison: ${p.name} ${version(p.dir)} ${p.file}`, sizes(file)));
  else console.log(`  for comparison: ${p.name} is not installed here (${file}); \`npm run bench:peers:install\` installs it`);
}
