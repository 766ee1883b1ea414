// Bundles src/index.ts into dist/backprop.browser.js: one minified ES module with the Wasm
// kernels embedded (they are base64 in src/backends/wasm/kernels.generated.ts, so run
// `npm run build:wasm` first). Node built-ins are only imported through a variable on Node's
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

const result = await build({
  entryPoints: ['src/index.ts'],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  metafile: true,
  logLevel: 'warning',
});
const imported = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => !i.path.startsWith('<')));
if (imported.length > 0) {
  console.error(`build-browser: the bundle still imports ${imported.map((i) => i.path).join(', ')}; it must be self-contained`);
  process.exit(1);
}

/** Bytes of a file, raw and gzipped (level 9, as a server would send it). */
function sizes(file) {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const line = (label, s) => `${label.padEnd(44)} ${kb(s.raw).padStart(10)} raw ${kb(s.gzip).padStart(9)} gzipped`;
const version = (dir) => JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;

console.log(line(`build-browser: ${out}`, sizes(out)));
const peers = [
  { name: 'TensorFlow.js', dir: 'node_modules/@tensorflow/tfjs', file: 'dist/tf.min.js' },
  { name: 'brain.js', dir: 'bench/peers/node_modules/brain.js', file: 'browser.min.js' },
];
for (const p of peers) {
  const file = `${p.dir}/${p.file}`;
  if (existsSync(file)) console.log(line(`  for comparison: ${p.name} ${version(p.dir)} ${p.file}`, sizes(file)));
  else console.log(`  for comparison: ${p.name} is not installed here (${file}); \`npm run bench:peers:install\` installs it`);
}
