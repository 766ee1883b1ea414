// brain.js's likely(): the key (or index, as a string) of the largest output for an input.
import { describe } from '../validate/values.js';

/** Anything with brain.js's `run`. */
export interface Runnable<I> {
  /** The outputs for an input. */
  run(input: I): ArrayLike<number> | Record<string, number>;
}

/** The name of the largest output (the index as a string for array outputs), or null when none is a number above −1. */
export function likely<I>(input: I, net: Runnable<I>): string | null {
  if (!net || typeof net.run !== 'function') throw new TypeError(`likely: net: expected a network with run(), got ${describe(net)}`);
  const output = net.run(input);
  let best: string | null = null;
  let max = -1;
  for (const [key, value] of Object.entries(output)) {
    if (typeof value === 'number' && value > max) {
      best = key;
      max = value;
    }
  }
  return best;
}
