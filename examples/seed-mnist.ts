// The seeds' MNIST programs, recipe for recipe, on the standard split (examples/standard-mnist.ts):
//  - Nielsen's network.py: [784, 30, 10] sigmoid, quadratic cost, weights and biases N(0, 1), SGD on
//    mini-batches of 10 at η = 3.0, 30 epochs on the first 50,000 training images; the book reports
//    95.42% on the 10,000 test images at its best epoch.
//  - Nielsen's network2.py: [784, 100, 10] sigmoid, cross-entropy, weights N(0, 1/√n_in) and biases
//    N(0, 1), L2 λ = 5.0 (our weightDecay is Nielsen's λ, divided by the 50,000 training images),
//    η = 0.5, mini-batch 10, 30 epochs; the book reports 98.04% on the validation images.
//  - Rashid's "Make Your Own Neural Network": 784-200-10 sigmoid without biases, weights
//    N(0, 1/√n_in), the quadratic cost (his update lr·e·o(1 − o)·hᵀ is its gradient), one image
//    at a time in file order at lr 0.1, 5 epochs over all 60,000, inputs x·0.99 + 0.01 and targets
//    0.01 / 0.99; his notebook prints 97.12%, the book about 97.5%.
// Run: npx tsx examples/seed-mnist.ts [network | network2 | rashid] [--seeds 3] [--epochs n]
import { pathToFileURL } from 'node:url';
import { Network, accuracy, type NetworkOptions, type FitOptions } from '../src/index.js';
import { loadStandardMnist, nielsenSplit, rowsOf, type XY } from './standard-mnist.js';

export interface SeedRecipe {
  /** What the seed program is. */
  title: string;
  /** The figure the seed reports (a fraction) and where it was measured. */
  published: { accuracy: number; on: 'test' | 'validation'; note: string };
  network: Omit<NetworkOptions, 'seed'>;
  fit: FitOptions & { epochs: number };
  /** Which images train and which are scored each epoch. */
  data: 'nielsen' | 'rashid';
}

export const SEED_RECIPES = {
  network: {
    title: "Nielsen's network.py",
    published: { accuracy: 0.9542, on: 'test', note: 'best of 30 epochs (Neural Networks and Deep Learning, ch. 1)' },
    network: { layers: [784, 30, 10], loss: 'quadratic', init: { weights: 'standard-normal', bias: 'standard-normal' } },
    fit: { epochs: 30, batchSize: 10, learningRate: 3.0, optimizer: 'sgd' },
    data: 'nielsen',
  },
  network2: {
    title: "Nielsen's network2.py",
    published: { accuracy: 0.9804, on: 'validation', note: 'after 30 epochs with 100 hidden units (ch. 3)' },
    network: { layers: [784, 100, 10], loss: 'binary-cross-entropy', init: { weights: 'normal', bias: 'standard-normal' } },
    fit: { epochs: 30, batchSize: 10, learningRate: 0.5, optimizer: 'sgd', weightDecay: 5.0 },
    data: 'nielsen',
  },
  rashid: {
    title: "Rashid's 784-200-10",
    published: { accuracy: 0.975, on: 'test', note: 'Make Your Own Neural Network (the notebook prints 97.12%)' },
    network: { layers: [784, 200, 10], loss: 'quadratic', bias: false, init: 'normal' },
    fit: { epochs: 5, batchSize: 1, learningRate: 0.1, optimizer: 'sgd', shuffle: false },
    data: 'rashid',
  },
} satisfies Record<string, SeedRecipe>;

export type SeedName = keyof typeof SEED_RECIPES;

/** Rashid's scaling: inputs into [0.01, 1], targets 0.01 and 0.99, so no sigmoid has to reach 0 or 1. */
export function rashidScale({ x, y }: XY): XY {
  return { x: x.map((v) => v * 0.99 + 0.01), y: y.map((v) => (v === 1 ? 0.99 : 0.01)) };
}

/** The images a recipe trains on, the ones it reports each epoch (as the seed does), and the test images; `rows` trims each (tests). */
export async function seedData(recipe: SeedRecipe, rows = Infinity): Promise<{ train: XY; scored: XY; test: XY }> {
  const { train, test } = await loadStandardMnist();
  const first = (xy: XY): XY => ({ x: xy.x.subarray(0, Math.min(rows * 784, xy.x.length)), y: xy.y.subarray(0, Math.min(rows * 10, xy.y.length)) });
  if (recipe.data === 'rashid') {
    const scaledTest = rashidScale(first(rowsOf(test)));
    return { train: rashidScale(first(rowsOf(train))), scored: scaledTest, test: scaledTest };
  }
  const split = nielsenSplit(train);
  const testRows = first(rowsOf(test));
  return { train: first(split.train), scored: recipe.published.on === 'test' ? testRows : first(split.validation), test: testRows };
}

export interface SeedRun {
  /** The scored images' accuracy after each epoch. */
  perEpoch: number[];
  /** Test accuracy after the last epoch. */
  finalTest: number;
  seconds: number;
}

/** Train one recipe from one seed. */
export async function runSeedRecipe(recipe: SeedRecipe, data: { train: XY; scored: XY; test: XY }, seed: number, epochs = recipe.fit.epochs): Promise<SeedRun> {
  const net = await Network.create({ ...recipe.network, seed });
  const perEpoch: number[] = [];
  const started = performance.now();
  await net.fit(data.train.x, data.train.y, {
    ...recipe.fit,
    epochs,
    onEpochEnd: () => void perEpoch.push(accuracy(net.predictBatch(data.scored.x), data.scored.y, 10)),
  });
  const seconds = (performance.now() - started) / 1000;
  const finalTest = accuracy(net.predictBatch(data.test.x), data.test.y, 10);
  net.dispose();
  return { perEpoch, finalTest, seconds };
}

/** Mean and sample standard deviation. */
export function meanSpread(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return { mean, sd };
}

const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const names = (args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) as SeedName[]);
  const seeds = option('--seeds', 3);
  for (const name of names.length > 0 ? names : (Object.keys(SEED_RECIPES) as SeedName[])) {
    const recipe: SeedRecipe = SEED_RECIPES[name];
    if (!recipe) throw new Error(`unknown recipe '${name}': expected ${Object.keys(SEED_RECIPES).join(', ')}`);
    const epochs = option('--epochs', recipe.fit.epochs);
    const data = await seedData(recipe);
    console.log(`${recipe.title}: published ${pct(recipe.published.accuracy)} on the ${recipe.published.on} images, ${recipe.published.note}`);
    const runs: SeedRun[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const run = await runSeedRecipe(recipe, data, seed, epochs);
      runs.push(run);
      const best = Math.max(...run.perEpoch);
      console.log(`  seed ${seed}: ${recipe.published.on} ${pct(run.perEpoch.at(-1)!)} after ${epochs} epochs (best ${pct(best)} at epoch ${run.perEpoch.indexOf(best) + 1}), test ${pct(run.finalTest)}; ${run.seconds.toFixed(0)} s`);
    }
    const last = meanSpread(runs.map((r) => r.perEpoch.at(-1)!));
    const best = meanSpread(runs.map((r) => Math.max(...r.perEpoch)));
    console.log(`  mean ± sd over ${seeds} seeds: last epoch ${pct(last.mean)} ± ${pct(last.sd)}, best epoch ${pct(best.mean)} ± ${pct(best.sd)} (published ${pct(recipe.published.accuracy)})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
