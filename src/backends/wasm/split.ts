// How each splittable kernel of the table (src/kernels.ts) is cut across threads: its op code
// (the index here), the export a thread runs, and a slice function that rewrites one full
// call's arguments into one thread's share.
import { KERNELS, PACK_FLOATS, type Kernels, type KernelSpec } from '../../kernels.js';

/** One call's arguments in, slice number `part`'s arguments written to `to` at `at`, for [from, end) of the cut dimension. */
export type Slice = (call: Float64Array, to: Float64Array, at: number, from: number, end: number, part: number) => void;

export interface Splittable {
  readonly name: keyof Kernels;
  /** The export each thread runs on its slice: the kernel, or its ranged form. */
  readonly export: string;
  /** Argument positions: the cut size, and the sizes whose product is the work. */
  readonly cut: number;
  readonly work: readonly number[];
  readonly align: number;
  readonly least: number;
  readonly slice: Slice;
}

/** Every kernel with a split, in table order: op code i runs SPLITTABLE[i]. */
export const SPLITTABLE: readonly Splittable[] = (Object.entries(KERNELS) as Array<[keyof Kernels, KernelSpec]>).flatMap(([name, spec]) => {
  const { split, args } = spec;
  if (split === null) return [];
  const at = (arg: string) => args.indexOf(arg);
  return [{
    name,
    export: split.ranged ?? name,
    cut: at(split.cut),
    work: split.work.map(at),
    align: split.align,
    least: split.least,
    slice: ownScratch(
      split.ranged === undefined
        ? moveSlice(args.length, at(split.cut), Object.entries(split.move).map(([p, stride]) => [at(p), typeof stride === 'string' ? at(stride) : -1]))
        : rangeSlice(args.length),
      split.scratch === undefined ? -1 : at(split.scratch),
    ),
  }];
});

/** Give slice `part` its own PACK_FLOATS of the scratch pointer at `position` (if the kernel has one and the call passed one). */
function ownScratch(slice: Slice, position: number): Slice {
  if (position < 0) return slice;
  return (call, to, at, from, end, part) => {
    slice(call, to, at, from, end, part);
    if (call[position] !== 0) to[at + position] = call[position] + part * PACK_FLOATS;
  };
}

function copy(call: Float64Array, to: Float64Array, at: number, n: number): void {
  for (let i = 0; i < n; i++) to[at + i] = call[i];
}

/** A ranged export: the arguments as they are, then from and to. */
function rangeSlice(count: number): Slice {
  return (call, to, at, from, end) => {
    copy(call, to, at, count);
    to[at + count] = from;
    to[at + count + 1] = end;
  };
}

/** The kernel itself on [from, end): each moved pointer (position, stride's position or −1 for 1) advances by from × stride, and the cut size becomes end − from. */
function moveSlice(count: number, cut: number, moved: ReadonlyArray<readonly [number, number]>): Slice {
  return (call, to, at, from, end) => {
    copy(call, to, at, count);
    for (const [pointer, stride] of moved) to[at + pointer] = call[pointer] + from * (stride < 0 ? 1 : call[stride]);
    to[at + cut] = end - from;
  };
}
