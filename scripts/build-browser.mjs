// Bundles src/index.ts into dist/backprop.browser.js: one minified ES module with the Wasm
// kernels embedded (they are base64 in src/backends/wasm/kernels.generated.ts, so run
// `npm run build:wasm` first). `backprop/exchange` (TF.js and ONNX, with protobufjs) becomes
// dist/backprop-exchange.browser.js, which imports the Network class from the core bundle beside
// it, so a page that converts models and one that only trains share one library. Node built-ins are only imported through a variable on Node's
// own paths (threads, loadMnist), so nothing here has to be marked external. Prints the size,
// raw and gzipped, beside the browser builds of TensorFlow.js and brain.js where installed.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
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
const options = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, metafile: true, logLevel: 'warning' };

/** The exchange code's import of the Network class resolves to the core bundle, not a second copy of it. */
const coreNetwork = {
  name: 'core-network',
  setup(b) {
    b.onResolve({ filter: /\/network\.js$/ }, () => ({ path: './backprop.browser.js', external: true }));
  },
};

/** Fail unless the bundle imports exactly `allowed`. */
async function bundle(entry, outfile, allowed, plugins = []) {
  const result = await build({ ...options, entryPoints: [entry], outfile, plugins });
  const imported = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => !i.path.startsWith('<')).map((i) => i.path));
  const extra = imported.filter((p) => !allowed.includes(p));
  if (extra.length > 0) {
    console.error(`build-browser: ${outfile} imports ${extra.join(', ')}; it may import only ${allowed.join(', ') || 'nothing'}`);
    process.exit(1);
  }
}
await bundle('src/index.ts', out, []);
await bundle('src/exchange/index.ts', outExchange, ['./backprop.browser.js'], [coreNetwork]);

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
const peers = [
  { name: 'TensorFlow.js', dir: 'node_modules/@tensorflow/tfjs', file: 'dist/tf.min.js' },
  { name: 'brain.js', dir: 'bench/peers/node_modules/brain.js', file: 'browser.min.js' },
];
for (const p of peers) {
  const file = `${p.dir}/${p.file}`;
  if (existsSync(file)) console.log(line(`  for comparison: ${p.name} ${version(p.dir)} ${p.file}`, sizes(file)));
  else console.log(`  for comparison: ${p.name} is not installed here (${file}); \`npm run bench:peers:install\` installs it`);
}
