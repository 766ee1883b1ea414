import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, metafile: true, write: false, entryPoints: ['src/index.ts'], logLevel: 'error' });
const code = r.outputFiles[0].contents;
console.log('total gz', gzipSync(code, { level: 9 }).length);
const out = Object.values(r.metafile.outputs)[0];
const mine = ['src/data/dataset.ts','src/data/csv-stream.ts','src/data/number-parser.ts','src/data/byte-source.ts','src/engine/stream-source.ts','src/engine/fit-dataset.ts','src/engine/shuffle-buffer.ts','src/validate/dataset-options.ts','src/model/encoding.ts','src/model/records.ts'];
for (const [f, v] of Object.entries(out.inputs)) if (mine.includes(f)) console.log(f, v.bytesInOutput);
