// The browser bundle in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core;
// never a downloaded browser). The page loads dist/backprop.browser.js from the demo server on
// localhost and runs test/browser/scenarios.ts; the same scenarios run here in Node on src/, and
// the numbers must agree bit for bit. Then the demo page: train, draw a digit, step through backprop.
// Rebuilds dist/backprop.browser.js first if src/ is newer (npm test's pretest builds it anyway).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import * as lib from '../../src/index.js';
import { toOnnx } from '../../src/exchange/index.js';
import { classifier, threaded, workedExample, type Backend, type WorkedRun } from './scenarios.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const BUNDLE = join(root, 'dist/backprop.browser.js');
const EXCHANGE_BUNDLE = join(root, 'dist/backprop-exchange.browser.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Without Chromium a developer's `npm test` skips this file and says so; CI (CI set) must have it.
const SKIP = !existsSync(CHROMIUM) && !process.env.CI;
if (SKIP) console.warn(`test/browser: skipped, no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
const OUTPUT = join(root, 'test-output');
const BACKENDS: Backend[] = ['js', 'wasm'];

let browser: Browser;
const servers: ChildProcess[] = [];
let isolatedUrl: string;
let plainUrl: string;
let scenarioSource: string;

/** Start scripts/serve-demo.mjs on a free port; resolves with its origin. */
function serve(...flags: string[]): Promise<string> {
  const child = spawn(process.execPath, [join(root, 'scripts/serve-demo.mjs'), '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  servers.push(child);
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve-demo exited with code ${code}`)));
    child.stdout!.on('data', (chunk) => {
      const m = /http:\/\/localhost:\d+/.exec(String(chunk));
      if (m) resolve(m[0]);
    });
  });
}

/** The latest modification time of any file under dir. */
function newestTime(dir: string): number {
  return Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? newestTime(path) : statSync(path).mtimeMs;
  }));
}

beforeAll(async () => {
  if (SKIP) return;
  // A missing or stale bundle is rebuilt (esbuild, well under a second): the tests always run today's src/.
  const stale = (file: string) => !existsSync(file) || newestTime(join(root, 'src')) > statSync(file).mtimeMs;
  if (stale(BUNDLE) || stale(EXCHANGE_BUNDLE)) {
    execFileSync(process.execPath, [join(root, 'scripts/build-browser.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  // The scenarios go into the page as plain JS: types stripped, nothing else changed.
  scenarioSource = (await transform(readFileSync(join(root, 'test/browser/scenarios.ts'), 'utf8'), { loader: 'ts', format: 'esm' })).code;
  [isolatedUrl, plainUrl] = await Promise.all([serve(), serve('--no-isolation')]);
  browser = await chromium.launch({ executablePath: CHROMIUM });
  mkdirSync(OUTPUT, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.kill();
});

/** A page on the server that records its errors; `done` asserts there were none. */
async function open(url: string): Promise<{ page: Page; done: () => Promise<void> }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return {
    page,
    done: async () => {
      await page.close();
      expect(errors).toEqual([]);
    },
  };
}

/**
 * Run an exported scenario in the page, on the bundle the page imports from the server. The
 * page code is a string: vitest rewrites import() inside functions of this file.
 */
function inPage<T>(page: Page, name: 'workedExample' | 'classifier' | 'threaded', ...args: unknown[]): Promise<T> {
  return page.evaluate(`(async () => {
    const bundle = await import(new URL('/dist/backprop.browser.js', location.href).href);
    const scenarios = await import(URL.createObjectURL(new Blob([${JSON.stringify(scenarioSource)}], { type: 'text/javascript' })));
    return scenarios[${JSON.stringify(name)}](bundle, ...${JSON.stringify(args)});
  })()`) as Promise<T>;
}

/**
 * Chromium's numbers against Node's, bit for bit: both are V8 running the same float32 operations
 * in the same order (the same Wasm kernel build, or the same JS loops and Math.exp/tanh), so any
 * difference at all is a bundling or loading bug, not rounding.
 */
function expectSame(actual: number[], expected: number[], what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  expected.forEach((want, i) => expect(actual[i], `${what}[${i}]: Chromium ${actual[i]}, Node ${want}`).toBe(want));
}

function floats(base64: string): number[] {
  return Array.from(new Float32Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer));
}

describe.skipIf(SKIP)('the browser bundle', () => {
  // 72 KB since Model, checkpoints, fit(dataset) and csvDataset (66.5 KB gzipped without csvDataset, 70.7 KB with it): the lead's call.
  it('is one self-contained ES module under 72 KB gzipped, picked by the "browser" export condition', async () => {
    const bytes = readFileSync(BUNDLE);
    const gzipped = gzipSync(bytes, { level: 9 }).length;
    expect(gzipped, `gzipped size ${gzipped} bytes`).toBeLessThan(72 * 1024);
    // No static import left (minified: import{…}from"…" or import"…"); Node built-ins only as import(variable).
    expect(bytes.toString('utf8')).not.toMatch(/(^|[;}\s])import\s*[{"'*]|from\s*"node:/);
    // A bundler targeting browsers that imports the package by name gets the bundle. (esbuild does
    // not resolve a package's own name from inside it, so the package is linked into a scratch node_modules.)
    const scratch = mkdtempSync(join(tmpdir(), 'backprop-resolve-'));
    mkdirSync(join(scratch, 'node_modules'));
    symlinkSync(root, join(scratch, 'node_modules/backprop'), 'dir');
    const result = await build({
      stdin: { contents: "export { Network } from 'backprop';", resolveDir: scratch },
      bundle: true, write: false, metafile: true, platform: 'browser', format: 'esm', logLevel: 'silent',
    });
    unlinkSync(join(scratch, 'node_modules/backprop')); // the link first: never recurse into the checkout
    rmSync(scratch, { recursive: true });
    expect(Object.keys(result.metafile.inputs).filter((f) => f !== '<stdin>')).toEqual(['dist/backprop.browser.js']);
    // Node matches conditions in the map's order and never sets "browser", so it keeps dist/index.js
    // (.ci/run imports the package by name in Node to prove it).
    const exportsMap = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports;
    expect(exportsMap['.']).toEqual({ types: './dist/index.d.ts', browser: './dist/backprop.browser.js', default: './dist/index.js' });
    expect(exportsMap['./exchange']).toEqual({
      types: './dist/exchange/index.d.ts',
      browser: './dist/backprop-exchange.browser.js',
      default: './dist/exchange/index.js',
    });
  });

  it('backprop/exchange is a second module that imports only the core bundle, and converts in Chromium as in Node', async () => {
    const text = readFileSync(EXCHANGE_BUNDLE, 'utf8');
    expect(text.match(/from\s*"[^"]*"/g)).toEqual(['from"./backprop.browser.js"']);
    const options = { layers: [3, { units: 4, activation: 'tanh' }, { units: 2, activation: 'softmax' }], loss: 'categorical-cross-entropy', seed: 5 };
    const node = await lib.Network.create({ ...options, backend: 'js' });
    const { page, done } = await open(`${plainUrl}/demo/bundle.html`);
    const result = (await page.evaluate(`(async () => {
      const core = await import(new URL('/dist/backprop.browser.js', location.href).href);
      const exchange = await import(new URL('/dist/backprop-exchange.browser.js', location.href).href);
      const net = await core.Network.create({ ...${JSON.stringify(options)}, backend: 'js' });
      const back = exchange.fromTfjs(exchange.toTfjs(net), { backend: 'wasm' });
      return {
        sameClass: back instanceof core.Network,
        backend: back.backend,
        before: Array.from(net.predict([0.5, -1, 2])),
        after: Array.from(back.predict([0.5, -1, 2])),
        onnx: Array.from(exchange.toOnnx(net)),
      };
    })()`)) as { sameClass: boolean; backend: string; before: number[]; after: number[]; onnx: number[] };
    await done();
    expect(result.sameClass).toBe(true);
    expect(result.backend).toBe('wasm');
    expectSame(result.before, Array.from(node.predict([0.5, -1, 2])), 'page predict');
    for (let k = 0; k < 2; k++) expect(result.after[k]).toBeCloseTo(result.before[k], 6);
    expectSame(result.onnx, Array.from(toOnnx(node)), 'ONNX bytes');
  }, 60_000);

  it('is served by the demo server, which serves demo/ and dist/ only, cross-origin isolated unless told not to', async () => {
    const get = (url: string) => fetch(url, { redirect: 'manual' });
    const page = await get(`${isolatedUrl}/demo/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const bundle = await get(`${plainUrl}/dist/backprop.browser.js`);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Buffer.from(await bundle.arrayBuffer()).equals(readFileSync(BUNDLE))).toBe(true);
    expect(bundle.headers.get('cross-origin-opener-policy')).toBeNull();
    expect((await get(`${isolatedUrl}/`)).headers.get('location')).toBe('/demo/');
    for (const outside of ['/package.json', '/src/index.ts', '/%2e%2e/package.json', '/demo/..%2f..%2fpackage.json', '/demo/%2e%2e/package.json']) {
      expect((await get(`${isolatedUrl}${outside}`)).status, outside).toBe(404);
    }
  });

  it('runs alone on a page with one <script type="module">: XOR on the main thread', async () => {
    const { page, done } = await open(`${plainUrl}/demo/bundle.html`);
    await page.waitForSelector('body[data-done]', { timeout: 30_000 });
    const text = await page.textContent('#out');
    expect(text).toContain('kernel wasm-');
    expect(text).toMatch(/accuracy 1\n/);
    await done();
  }, 60_000);

  describe.each(BACKENDS)('in Chromium on %s, the same numbers as Node', (backend) => {
    it('the 2-2-1 worked example: every forward value, delta, gradient and the SGD step', async () => {
      const node = await workedExample(lib, backend);
      const { page, done } = await open(`${plainUrl}/demo/bundle.html`);
      const web = await inPage<WorkedRun>(page, 'workedExample', backend);
      await done();
      expect(web.kernel).toBe(node.kernel);
      expect(web.kernel.startsWith(backend)).toBe(true);
      expectSame([web.loss], [node.loss], 'loss');
      expectSame(web.output, node.output, 'output');
      node.layers.forEach((l, i) => {
        for (const key of ['z', 'a', 'delta', 'gradWeights', 'propagated', 'updatedWeights'] as const) {
          expectSame(web.layers[i][key], l[key], `layer ${i} ${key}`);
        }
      });
      expectSame(web.stepped, node.stepped, 'parameters after trainStep');
      // The seed notes' numbers (docs/backprop-by-hand.md §3), so both runs are also right, not only equal.
      expect(web.layers[1].delta[0]).toBeCloseTo(-0.0776, 4);
      expect(web.layers[0].delta[0]).toBeCloseTo(-0.00948, 5);
      expect(web.stepped[5]).toBeCloseTo(0.609287, 5); // w6
    }, 60_000);

    it('a 2-8-8-1 spiral classifier: 30 epochs of shuffled momentum SGD', async () => {
      const node = await classifier(lib, backend);
      const { page, done } = await open(`${plainUrl}/demo/bundle.html`);
      const web = await inPage<Awaited<ReturnType<typeof classifier>>>(page, 'classifier', backend);
      await done();
      expect(web.kernel).toBe(node.kernel);
      expectSame(web.losses, node.losses, 'epoch losses');
      expectSame(web.grid, node.grid, 'predictions on the grid');
      expectSame(floats(web.parameters), floats(node.parameters), 'trained parameters');
      expect(web.accuracy).toBe(node.accuracy);
      expect(node.losses[29]).toBeLessThan(node.losses[0]); // it did learn
    }, 60_000);
  });

  it('threads: 2 runs on Web Workers in a cross-origin-isolated page, bit for bit as one thread and as Node', async () => {
    const { page, done } = await open(`${isolatedUrl}/demo/bundle.html`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const web = await inPage<Awaited<ReturnType<typeof threaded>>>(page, 'threaded');
    await done();
    const node = await threaded(lib);
    if ('error' in web || 'error' in node) throw new Error(`threaded run failed: ${JSON.stringify({ web, node })}`);
    expect(web.threads).toBe(2);
    expect(web.kernel).toMatch(/× 2 threads$/);
    expect(web.two).toBe(web.one);
    expectSame(floats(web.two), floats(node.two), 'parameters after 5 threaded steps');
  }, 60_000);

  it('threads: 2 on a page that is not cross-origin isolated throws an error that says why', async () => {
    const { page, done } = await open(`${plainUrl}/demo/bundle.html`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const web = await inPage<Awaited<ReturnType<typeof threaded>>>(page, 'threaded');
    await done();
    expect(web).toEqual({
      error: 'Error: Network.create: threads: could not start 2 threads: SharedArrayBuffer is unavailable: browsers give it only to ' +
        'cross-origin-isolated pages (served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
    });
  }, 60_000);
});

interface DemoState {
  classifier: { losses: Array<{ epoch: number; loss: number }>; running: boolean; ready: boolean };
  digits: { probabilities: number[] | null; guess: number | null; input: number[] | null };
  steps: { count: number; kernel: string };
}

/** Pixels of a canvas that are not the blank background, and how many are bluish / orangish. */
function canvasPixels(page: Page, id: string) {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    let blue = 0;
    let orange = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      drawn++;
      if (data[i + 2] > data[i] + 20) blue++;
      if (data[i] > data[i + 2] + 20) orange++;
    }
    return { total: canvas.width * canvas.height, drawn, blue, orange };
  }, id);
}

describe.skipIf(SKIP)('the demo page', () => {
  it('trains the spiral classifier in a Worker: the loss falls, the boundary is drawn, the page keeps drawing frames', async () => {
    const { page, done } = await open(`${isolatedUrl}/demo/`);
    await page.waitForFunction(() => (window as unknown as { demo?: DemoState }).demo?.classifier?.ready === true);
    for (const backend of ['wasm', 'js']) {
      await page.selectOption('#backend', backend);
      await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.classifier.ready);
      expect(await page.textContent('#kernel')).toMatch(new RegExp(`^${backend}`));
      // Frames keep coming while the Worker trains: each animation frame notes the last epoch the page has shown.
      await page.evaluate(() => {
        const w = window as unknown as { demo: DemoState; framesSaw: number[] };
        w.framesSaw = [];
        const tick = () => {
          const epoch = w.demo.classifier.losses.at(-1)?.epoch ?? -1;
          w.framesSaw.push(epoch);
          if (epoch < 300) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      });
      await page.click('#train');
      await page.waitForFunction(() => (window as unknown as { demo: DemoState }).demo.classifier.losses.at(-1)!.epoch >= 300, undefined, { timeout: 45_000 });
      await page.click('#train'); // pause
      const losses = await page.evaluate(() => (window as unknown as { demo: DemoState }).demo.classifier.losses);
      expect(losses[0].epoch).toBe(0);
      expect(losses.at(-1)!.loss, `${backend}: loss ${losses[0].loss} at epoch 0, ${losses.at(-1)!.loss} at ${losses.at(-1)!.epoch}`).toBeLessThan(losses[0].loss / 2);
      // Frames drew many points of the run, not only its start and end: training does not hold the page's thread.
      // (Counted in epochs, not milliseconds: a loaded machine slows frames and training alike.)
      const framesSaw = await page.evaluate(() => (window as unknown as { framesSaw: number[] }).framesSaw);
      const during = new Set(framesSaw.filter((epoch) => epoch > 0 && epoch < 300));
      expect(during.size, `epochs animation frames saw: ${[...new Set(framesSaw)].join(' ')}`).toBeGreaterThanOrEqual(10);
      expect(Number((await page.textContent('#rate'))!.replace(/,/g, ''))).toBeGreaterThan(0);
      const heat = await canvasPixels(page, 'boundary');
      expect(heat.drawn).toBe(heat.total); // the heat map covers the canvas
      expect(heat.blue).toBeGreaterThan(heat.total * 0.1); // both classes' regions are there
      expect(heat.orange).toBeGreaterThan(heat.total * 0.1);
      const chart = await canvasPixels(page, 'loss-chart');
      expect(chart.blue).toBeGreaterThan(100); // the loss curve
    }
    await page.screenshot({ path: join(OUTPUT, 'demo-classifier.png') });
    await done();
  }, 120_000);

  it('classifies a drawn 1 with the shipped MNIST model, with the same probabilities as Node', async () => {
    const { page, done } = await open(`${isolatedUrl}/demo/`);
    await page.waitForFunction(() => (window as unknown as { demo?: DemoState }).demo?.digits?.probabilities === null);
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + 140, box.y + 40);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 140, box.y + 40 + i * 20);
    await page.mouse.up();
    const state = await page.evaluate(() => {
      const d = (window as unknown as { demo: DemoState }).demo.digits;
      return { probabilities: d.probabilities!, guess: d.guess!, input: Array.from(d.input!) };
    });
    expect(state.guess).toBe(1);
    expect(await page.textContent('#guess')).toMatch(/^1 \(/);
    const model = JSON.parse(readFileSync(join(root, 'demo/mnist-model.json'), 'utf8'));
    const net = lib.Network.fromJSON(model.network);
    expectSame(state.probabilities, Array.from(net.predict(state.input)), 'digit probabilities');
    net.dispose();
    const preview = await canvasPixels(page, 'preview');
    expect(preview.drawn).toBeGreaterThan(20);
    await done();
  }, 60_000);

  it('steps through the 2-2-1 example: every number shown is the trace Node computes', async () => {
    const { page, done } = await open(`${isolatedUrl}/demo/`);
    await page.waitForFunction(() => (window as unknown as { demo?: DemoState }).demo?.steps !== undefined);
    const { count, kernel } = await page.evaluate(() => (window as unknown as { demo: DemoState }).demo.steps);
    for (let i = 1; i < count; i++) await page.click('#next');
    expect(await page.isDisabled('#next')).toBe(true);
    expect(await page.textContent('#step-count')).toBe(`step ${count} of ${count}`);
    const shown = Object.fromEntries(await page.$$eval('#step-list [data-key]', (els) => els.map((e) => [e.getAttribute('data-key')!, Number(e.getAttribute('data-value'))])));
    const node = await workedExample(lib, kernel.startsWith('wasm') ? 'wasm' : 'js');
    const [h, o] = node.layers;
    const expected: Record<string, number> = {
      z1: h.z[0], a1: h.a[0], z2: h.z[1], a2: h.a[1], z3: o.z[0], yhat: o.a[0], loss: node.loss, delta3: o.delta[0],
      gw5: o.gradWeights[0], gw6: o.gradWeights[1], back1: o.propagated[0], back2: o.propagated[1],
      delta1: h.delta[0], delta2: h.delta[1],
      // Layer 0 is row-major [unit][input]: [w1, w3, w2, w4].
      gw1: h.gradWeights[0], gw3: h.gradWeights[1], gw2: h.gradWeights[2], gw4: h.gradWeights[3],
      nw1: h.updatedWeights[0], nw3: h.updatedWeights[1], nw2: h.updatedWeights[2], nw4: h.updatedWeights[3],
      nw5: o.updatedWeights[0], nw6: o.updatedWeights[1],
    };
    for (const [key, value] of Object.entries(expected)) expectSame([shown[key]], [value], key);
    // The seed notes' printed values (docs/backprop-by-hand.md §3) are what the page shows.
    const text = await page.textContent('#step-list');
    for (const printed of ['0.5744', '0.5987', '0.6562', '0.0591', '-0.07756', '-0.04455', '-0.04643', '-0.00948', '-0.01118', '0.3019', '0.4022', '0.5089', '0.6093']) {
      expect(text).toContain(printed);
    }
    await page.screenshot({ path: join(OUTPUT, 'demo.png'), fullPage: true });
    await done();
  }, 60_000);
});
