// A small seeded three-class problem shared by the training specs: which of three centres a
// noisy point lies nearest to, with one-hot targets.
import { Random } from '../src/index.js';

export function blobs(seed: number, rows: number): { X: number[][]; Y: number[][] } {
  const rng = new Random(seed);
  const centres = [[1, 0, 0, 1], [0, 1, 1, 0], [-1, -1, 0, 0]];
  const X: number[][] = [];
  const Y: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const c = rng.below(3);
    X.push(centres[c].map((v) => v + 0.6 * rng.normal()));
    Y.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return { X, Y };
}
