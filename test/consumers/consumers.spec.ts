// The package as its users get it. `npm pack` runs on a clean copy of the repository (git's files,
// so its prepack must build everything), and the tarball is installed once, from the npm registry's
// point of view as a user would (its runtime dependencies come from there), then copied into
// throwaway projects: Node ES modules and CommonJS, TypeScript (CommonJS and ES modules with nodenext,
// and bundler resolution), and a page app built by Vite, webpack, Rollup and esbuild, taken from this
// repository's devDependencies. Each build runs: in Node, or in Chromium on a cross-origin-isolated
// page (train, trainInWorker, threads: 2, backprop/exchange), and on Vite's dev server too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(root, 'test/consumers/fixtures');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without Chromium a developer's `npm test` builds the bundles but does not run them, and says so; CI (CI set) must run them.
const NO_BROWSER = !existsSync(CHROMIUM) && !process.env.CI;
if (NO_BROWSER) console.warn(`test/consumers: bundles built but not run, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);

/** Children run as a user's shell would: without the variables vitest sets (NODE_ENV=test changes what bundlers emit). */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && k !== 'TEST' && !k.startsWith('VITEST')));

let work: string;
let tarball: string;
/** The tarball's files, without the leading package/. */
let packed: string[];
/** node_modules with the tarball installed, copied into each project. */
let installed: string;

function run(command: string, args: string[], cwd: string): string {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The last line of a child's stdout, parsed: each consumer prints its result as one JSON line. */
const lastJson = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : s.size;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'backprop-consumers-'));
  // A clean copy: the files git has (or would add), none of dist/ or build/, with this checkout's node_modules for the build tools.
  const stage = join(work, 'stage');
  const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).split('\0');
  for (const file of listed.filter((f) => f !== '' && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    cpSync(join(root, file), join(stage, file));
  }
  symlinkSync(join(root, 'node_modules'), join(stage, 'node_modules'), 'dir');
  let since = performance.now();
  run('npm', ['pack', '--pack-destination', work], stage);
  tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  packed = run('tar', ['-tzf', tarball], work).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  const packTime = seconds(since);
  since = performance.now();
  const into = join(work, 'installed');
  mkdirSync(into);
  writeFileSync(join(into, 'package.json'), JSON.stringify({ name: 'installed', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], into);
  installed = join(into, 'node_modules');
  console.log(
    `test/consumers: packed ${tarball.split('/').at(-1)} (${packed.length} files, ${(statSync(tarball).size / 1024).toFixed(0)} KB) in ${packTime}; ` +
      `installed in ${seconds(since)}: node_modules ${(sizeOf(installed) / 1024 / 1024).toFixed(1)} MB (${readdirSync(installed).filter((n) => !n.startsWith('.')).join(', ')})`,
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A throwaway project: package.json of the given type, the installed package, fixtures (path → fixture's name) and files (path → text). */
function project(name: string, type: 'module' | 'commonjs', fixtures: Record<string, string>, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type }));
  cpSync(installed, join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  const write = (path: string, text: string | Buffer) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const [path, fixture] of Object.entries(fixtures)) write(path, readFileSync(join(FIXTURES, fixture)));
  for (const [path, text] of Object.entries(files)) write(path, text);
  return dir;
}

interface Trained {
  isolated: boolean;
  kernel: string;
  threadsKernel: string;
  loss: number[];
  workerLoss: number[];
  threadsLoss: number[];
  workerSame: boolean;
  threadsSame: boolean;
  exchangeSameClass: boolean;
  error?: string;
}

/** app.js's checks: one network trained in place, in the worker and on 2 threads to the same bits, through one library instance. */
function expectTrained(result: Trained): void {
  expect(result.error).toBeUndefined();
  expect(result.kernel).toMatch(/^wasm-/);
  expect(result.threadsKernel).toMatch(/^wasm-.* × 2 threads$/);
  expect(result.loss).toHaveLength(4);
  expect(result.loss[3]).toBeLessThan(result.loss[0]);
  expect(result.workerLoss).toEqual(result.loss);
  expect(result.threadsLoss).toEqual(result.loss);
  expect(result.workerSame).toBe(true);
  expect(result.threadsSame).toBe(true);
  expect(result.exchangeSameClass).toBe(true);
}

describe('the package, packed from a clean copy (prepack builds it)', () => {
  it('ships exactly what its users need: the library, its types without base64, the browser bundles, the digits, LICENSE, no source maps, no install scripts', () => {
    const pkg = JSON.parse(readFileSync(join(installed, 'backprop/package.json'), 'utf8'));
    for (const file of packed) expect(file).toMatch(/^(LICENSE|README\.md|CHANGELOG\.md|package\.json|data\/mnist\/digits\.bin\.gz|dist\/.+\.(js|d\.ts))$/);
    expect(packed.filter((f) => f.startsWith('dist/cli/') && f.endsWith('.d.ts')), 'the CLI has no importers').toEqual([]);
    const targets = (v: unknown): string[] => (typeof v === 'string' ? [v] : Object.values(v as object).flatMap(targets));
    for (const target of [pkg.main, pkg.types, ...targets(pkg.exports), ...targets(pkg.bin)]) expect(packed, target).toContain(target.replace(/^\.\//, ''));
    expect(packed).toContain('dist/worker/worker-entry.js'); // trainInWorker's worker in Node, beside dist/worker/train-in-worker.js
    expect(packed).toContain('dist/worker-entry.js'); // and in a page, beside the bundle
    const dist = join(installed, 'backprop/dist');
    expect(statSync(join(dist, 'backends/wasm/kernels.generated.d.ts')).size).toBeLessThan(2048);
    for (const file of packed.filter((f) => f.endsWith('.d.ts'))) expect(statSync(join(installed, 'backprop', file)).size, file).toBeLessThan(16 * 1024);
    for (const file of packed.filter((f) => f.endsWith('.js'))) expect(readFileSync(join(installed, 'backprop', file), 'utf8'), file).not.toContain('sourceMappingURL');
    expect(Object.keys(pkg.scripts ?? {}).filter((s) => ['preinstall', 'install', 'postinstall', 'prepare'].includes(s))).toEqual([]);
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(installed, 'backprop/LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
    expect(readFileSync(join(installed, 'backprop/CHANGELOG.md'), 'utf8')).toContain(`## ${pkg.version}`);
    // What npm publish would correct in package.json, with a warning: nothing.
    const copy = join(work, 'pkg-fix');
    mkdirSync(copy);
    writeFileSync(join(copy, 'package.json'), JSON.stringify(pkg, null, 2));
    run('npm', ['pkg', 'fix'], copy);
    expect(JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'))).toEqual(pkg);
  });
});

describe('in Node', () => {
  it('an ES module project: import, backprop/exchange, trainInWorker (also from setWorkerUrl), threads, the shipped digits, the CLI; require() gives the same module', () => {
    const dir = project('node-esm', 'module', { 'app.js': 'app.js', 'index.js': 'node-esm.mjs' });
    const result = lastJson(run(process.execPath, ['index.js'], dir));
    expectTrained(result);
    expect(result.requireSame).toBe(true);
    expect(result.workerUrlEpochs).toBe(2);
    expect(result.digits).toBe(10_000);
    expect(run(join(dir, 'node_modules/.bin/backprop'), ['--help'], dir)).toMatch(/^usage:/);
  }, 120_000);

  it("a CommonJS project: require('backprop') and require('backprop/exchange'), trainInWorker; import() gives the same module", () => {
    const dir = project('node-cjs', 'commonjs', { 'index.js': 'node-cjs.cjs' });
    const result = lastJson(run(process.execPath, ['index.js'], dir));
    expect(result).toMatchObject({ epochs: 3, importSame: true });
    expect(result.kernel).toMatch(/^wasm-/);
    expect(result.onnxBytes).toBeGreaterThan(0);
  }, 120_000);

  it.each([
    { name: 'CommonJS with nodenext', type: 'commonjs', compilerOptions: { module: 'nodenext' } },
    { name: 'ES modules with nodenext', type: 'module', compilerOptions: { module: 'nodenext' } },
    { name: 'ES modules with bundler resolution', type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  ] as const)('a TypeScript project, $name: type-checks against the shipped types (no @types/node) and runs', ({ type, compilerOptions }) => {
    const tsconfig = { compilerOptions: { ...compilerOptions, target: 'es2022', strict: true, outDir: 'out', types: [] }, include: ['src'] };
    const dir = project(`ts-${type}-${compilerOptions.module}`, type, { 'src/consumer.ts': 'consumer.ts' }, { 'tsconfig.json': JSON.stringify(tsconfig) });
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], dir);
    const result = lastJson(run(process.execPath, ['out/consumer.js'], dir));
    expect(result).toMatchObject({ epochs: 3 });
    expect(result.kernel).toMatch(/^wasm-/);
  }, 120_000);
});

describe('bundled into a page', () => {
  let browser: Browser | undefined;
  const servers: Server[] = [];
  const children: ChildProcess[] = [];
  /** Every page's losses: the same app on the same Chromium must train to the same numbers whoever bundled it. */
  const losses: number[][] = [];

  afterAll(async () => {
    await browser?.close();
    for (const s of servers) s.close();
    for (const c of children) c.kill();
  });

  /** Serve dir cross-origin isolated (COOP and COEP), as threads: 2 needs; resolves with its origin. */
  async function serve(dir: string): Promise<string> {
    const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
    const server = createServer((req, res) => {
      const path = join(dir, new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '/index.html'));
      const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
      if (!path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) return res.writeHead(404, headers).end();
      res.writeHead(200, { ...headers, 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  /** Open the page, wait for app.js's result, and hold it to the checks; the page must log no error. */
  async function runPage(url: string): Promise<void> {
    browser ??= await chromium.launch({ executablePath: CHROMIUM });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    try {
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as { result?: unknown }).result, null, { timeout: 120_000 });
      const result = (await page.evaluate(() => (globalThis as unknown as { result: Trained }).result)) as Trained;
      expect(result.isolated).toBe(true);
      expectTrained(result);
      if (losses.length > 0) expect(result.loss).toEqual(losses[0]);
      losses.push(result.loss);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }

  /** The copies of the library in a file: each carries the table of Wasm chunks, whose string starts with a marker. */
  const copies = (file: string) => (readFileSync(file, 'utf8').match(/backprop-kernels:/g) ?? []).length;

  // Vite and webpack see trainInWorker's new Worker(new URL('./worker-entry.js', import.meta.url)) and emit the
  // worker with its own copy of the library (their worker builds cannot share the page's); esbuild and Rollup
  // bundle backprop/worker as a second entry point, which shares one chunk with the app.
  const bundlers = [
    { bundler: 'vite', main: 'main.js', sharedChunk: false },
    { bundler: 'webpack', main: 'main.js', sharedChunk: false },
    { bundler: 'rollup', main: 'main-worker-url.js', sharedChunk: true },
    { bundler: 'esbuild', main: 'main-worker-url.js', sharedChunk: true },
  ] as const;
  const html = (script: string) => `<!doctype html>\n<html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>${script}</body></html>\n`;

  describe.each(bundlers)('$bundler', ({ bundler, main, sharedChunk }) => {
    let dist: string;

    it('builds the app with its default configuration and no warning, with one copy of the library per thread at most', () => {
      // index.html is Vite's entry; the others ignore it.
      const dir = project(`bundle-${bundler}`, 'module', { 'src/index.js': main, 'src/app.js': 'app.js' }, { 'index.html': html('<script type="module" src="/src/index.js"></script>') });
      const { warnings, files } = lastJson(run(process.execPath, [join(FIXTURES, 'bundle.mjs'), bundler, dir], dir)) as { warnings: string[]; files: string[] };
      expect(warnings).toEqual([]);
      dist = join(dir, 'dist');
      const scripts = files.filter((f) => f.endsWith('.js'));
      for (const f of scripts) expect(copies(join(dist, f)), f).toBeLessThanOrEqual(1);
      const total = scripts.reduce((sum, f) => sum + copies(join(dist, f)), 0);
      if (sharedChunk) {
        expect(total, 'one copy, shared by the page and the worker').toBe(1);
        expect(statSync(join(dist, 'backprop-worker.js')).size).toBeLessThan(4096);
      } else {
        expect(total).toBeLessThanOrEqual(2);
      }
      // webpack writes a classic script, the others ES modules; Vite writes its own index.html.
      if (bundler === 'webpack') writeFileSync(join(dist, 'index.html'), html('<script src="main.js"></script>'));
      else if (bundler !== 'vite') writeFileSync(join(dist, 'index.html'), html('<script type="module" src="main.js"></script>'));
    }, 300_000);

    it.skipIf(NO_BROWSER)('runs in Chromium: trains on the page, in trainInWorker and on 2 threads to the same bits', async () => {
      expect(dist, 'built by the test above').toBeDefined();
      await runPage(await serve(dist));
    }, 180_000);
  });

  it.skipIf(NO_BROWSER)("runs on Vite's dev server (its dependency optimizer in between), cross-origin isolated by server.headers", async () => {
    const dir = join(work, 'bundle-vite');
    expect(existsSync(dir), 'made by the Vite build test').toBe(true);
    const child = spawn(process.execPath, [join(FIXTURES, 'bundle.mjs'), 'vite-dev', dir], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const started = await new Promise<{ url: string; warnings: string[] }>((resolve, reject) => {
      let out = '';
      child.once('exit', (code) => reject(new Error(`vite's dev server exited with ${code}: ${out}`)));
      child.stdout!.on('data', (chunk) => {
        out += String(chunk);
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
      });
    });
    await runPage(started.url);
    child.kill();
  }, 180_000);
});
