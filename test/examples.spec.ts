// The seed exercises on a reduced budget, each against a bar a working learner clears easily
// and a broken one does not (the full runs' figures are in the README).
import { describe, it, expect } from 'vitest';
import { prepareAdmissions, trainAdmissions, FEATURES } from '../examples/admissions.js';
import { prepareBikeSharing, trainBikeSharing } from '../examples/bike-sharing.js';
import { trainMnist, RECIPE, splitDigits } from '../examples/mnist.js';
import { loadMnist, accuracy } from '../src/index.js';
import { ONE_THREAD_ROWS, describeRows } from './backends.js';
import { SEED_RECIPES, seedData, runSeedRecipe, type SeedName } from '../examples/seed-mnist.js';
import { BEST, trainBest, cosineRate } from '../examples/best-mnist.js';
import { loadStandardMnist, rowsOf } from '../examples/standard-mnist.js';

// The examples take a backend, not a thread count: the threaded row would repeat the wasm-simd row.

describeRows(ONE_THREAD_ROWS)('admissions (seeds/003) on %s', ({ backend }) => {
  const data = prepareAdmissions();

  it('prepares 6 features as the lesson: standardised gre and gpa, rank dummies, a 10% test split', () => {
    expect(FEATURES).toHaveLength(6);
    expect(data.train.y.length + data.test.y.length).toBe(400);
    expect(data.test.y.length).toBe(40);
    for (let r = 0; r < data.train.y.length; r++) {
      const ranks = data.train.x.subarray(r * 6 + 2, r * 6 + 6);
      expect(ranks.reduce((s, v) => s + v, 0)).toBe(1);
    }
  });

  it('a single sigmoid unit beats 0.65 test accuracy after 300 epochs', async () => {
    const r = await trainAdmissions(data, { hidden: 0, epochs: 300, learningRate: 0.5, backend });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.65);
    // Students from rank-4 schools are admitted less often than from rank-1 ones: the weights learn it.
    expect(r.weights[5]).toBeLessThan(r.weights[2]);
  });

  it('one hidden layer beats 0.65 test accuracy after 300 epochs', async () => {
    const r = await trainAdmissions(data, { hidden: 2, epochs: 300, learningRate: 0.5, backend });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0.65);
  });
});

describeRows(ONE_THREAD_ROWS)('bike sharing (the first project) on %s', ({ backend, name }) => {
  const data = prepareBikeSharing();

  it('has the project\'s 56 features and its 21-day test and 60-day validation sets', () => {
    expect(data.features).toHaveLength(56);
    expect(data.test.y.length).toBe(21 * 24);
    expect(data.validation.y.length).toBe(60 * 24);
    expect(data.test.dates[data.test.dates.length - 1]).toBe('2012-12-31');
  });

  it('reaches validation MSE < 0.3 on standardised counts after 2,000 batches of 128', async () => {
    const r = await trainBikeSharing(data, { hidden: 16, iterations: 2000, learningRate: 0.5, backend });
    expect(r.net.kernel).toBe(name); // the row's pinned build
    r.net.dispose();
    expect(r.validationMse).toBeLessThan(0.3);
    expect(r.trainMse).toBeLessThan(0.3);
  }, 60_000);
});

describe('MNIST', () => {
  it('two epochs without shifts already classify 90% of the held-out digits', async () => {
    const digits = await loadMnist();
    const { net, test } = await trainMnist(digits, { ...RECIPE, epochs: 2, augment: false });
    expect(test.y.length).toBe(2000 * 10);
    expect(splitDigits(digits).train.y.length).toBe(8000 * 10);
    expect(accuracy(net.predictBatch(test.x), test.y, 10)).toBeGreaterThan(0.9);
    net.dispose();
  }, 60_000); // 0.5 s, 3 s on a loaded machine
});

describe('the standard-split examples on a tiny subset (the full runs are in the README)', () => {
  it.each(Object.keys(SEED_RECIPES) as SeedName[])("%s: the seed's recipe runs 2 epochs on 500 images and learns", async (name) => {
    const recipe = SEED_RECIPES[name];
    const run = await runSeedRecipe(recipe, await seedData(recipe, 500), 1, 2);
    expect(run.perEpoch).toHaveLength(2);
    expect(run.finalTest).toBeGreaterThan(0.3); // chance is 0.1
  }, 60_000);

  it('the best recipe (dropout, shifts, cosine schedule) runs 2 epochs on 1,000 images', async () => {
    const { train, test } = await loadStandardMnist();
    const seen: number[] = [];
    const net = await trainBest(rowsOf(train, 0, 1000), rowsOf(test, 0, 500), train, { ...BEST, hidden: 64, epochs: 2, threads: 1 }, (_, a) => seen.push(a));
    net.dispose();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeGreaterThan(0.6);
    expect(cosineRate(0.05, 0, 24)).toBe(0.05);
  }, 60_000);
});
