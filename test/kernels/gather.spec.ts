// gatherRows assembles a minibatch from the packed training set by a row order.
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random.js';
import { BACKENDS, SIZES, Scratch, expectSplit, randomFloats } from './harness.js';

describe.each(BACKENDS)('gatherRows (%s)', (name) => {
  it.each(SIZES)('copies rows in the given order, width %i', (width) => {
    const rng = new Random(width);
    const rows = 37;
    const src = randomFloats(rng, rows * width);
    const order = Float32Array.from({ length: rows }, (_, i) => i);
    rng.shuffle(order);
    const take = 11;
    const m = new Scratch(name);
    const s = m.put(src), o = m.put(order), d = m.put(take * width);
    m.backend.kernels.gatherRows(s, o + 5, d, take, width); // from the middle of the order
    const expected = new Float32Array(take * width);
    for (let r = 0; r < take; r++) expected.set(src.subarray(order[5 + r] * width, (order[5 + r] + 1) * width), r * width);
    expect(m.get(d, take * width)).toEqual(expected);
  });
});

// A gather only copies, so the rows above are exact on every backend, the threads' slices included.
describe('gatherRows on the threads', () => {
  it('was cut across the threads', () => expectSplit(['gatherRows']));
});
