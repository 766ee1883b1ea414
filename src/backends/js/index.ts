import type { Backend } from '../backend.js';
import { KERNELS, makeKernels, type Kernels } from '../../kernels.js';
import * as matmul from './matmul.js';
import * as activations from './activations.js';
import * as losses from './losses.js';
import * as optimizers from './optimizers.js';
import { countNonFinite } from './finite.js';
import { gatherRows } from './gather.js';
import { dropout, dropoutDelta } from './dropout.js';

/** Every kernel of the table in TypeScript, by name: the arena first, then the kernel's arguments. */
const IMPLEMENTATIONS: { [K in keyof Kernels]: (m: Float32Array, ...args: Parameters<Kernels[K]>) => ReturnType<Kernels[K]> } = {
  ...matmul, ...activations, ...losses, ...optimizers, countNonFinite, gatherRows, dropout, dropoutDelta,
};

/** Largest arena the JS backend will allocate: a typed array's length limit, kept conservative. */
const MAX_FLOATS = 2 ** 30;

/** The pure-TypeScript backend: the arena is one ArrayBuffer, the kernels plain loops. */
export class JsBackend implements Backend {
  readonly name = 'js' as const;
  readonly kernel = 'js';
  readonly threads = 1;
  readonly base = 0;
  f32: Float32Array;
  readonly kernels: Kernels;

  constructor(floats = 0) {
    this.f32 = new Float32Array(0);
    this.reserve(floats);
    this.kernels = bindKernels(this);
  }

  reserve(floats: number): void {
    if (floats <= this.f32.length) return;
    if (!(floats <= MAX_FLOATS)) {
      throw new RangeError(`network needs ${megabytes(floats)} MB of memory, more than the JS backend allows (${megabytes(MAX_FLOATS)} MB)`);
    }
    // Grow geometrically so a run of slightly larger batches does not copy every time.
    const next = new Float32Array(Math.min(MAX_FLOATS, Math.max(floats, Math.ceil(this.f32.length * 1.5))));
    next.set(this.f32);
    this.f32 = next;
  }

  dispose(): void {
    this.f32 = new Float32Array(0);
  }
}

export function megabytes(floats: number): string {
  return ((floats * 4) / 2 ** 20).toFixed(1);
}

/** Each kernel reads backend.f32 at call time, so a reserve() in between is harmless. */
function bindKernels(b: JsBackend): Kernels {
  return makeKernels((name) => overArena(b, IMPLEMENTATIONS[name] as (...args: unknown[]) => unknown, KERNELS[name].args.length));
}

/**
 * f over b's arena, taking exactly the kernel's arguments: one closure with spare parameters
 * for every kernel measured ~15% slower on the tiny calls of online training.
 */
function overArena(b: JsBackend, f: (...args: unknown[]) => unknown, arity: number) {
  type N = number;
  switch (arity) {
    case 2: return (a0: N, a1: N) => f(b.f32, a0, a1);
    case 3: return (a0: N, a1: N, a2: N) => f(b.f32, a0, a1, a2);
    case 4: return (a0: N, a1: N, a2: N, a3: N) => f(b.f32, a0, a1, a2, a3);
    case 5: return (a0: N, a1: N, a2: N, a3: N, a4: N) => f(b.f32, a0, a1, a2, a3, a4);
    case 6: return (a0: N, a1: N, a2: N, a3: N, a4: N, a5: N) => f(b.f32, a0, a1, a2, a3, a4, a5);
    case 7: return (a0: N, a1: N, a2: N, a3: N, a4: N, a5: N, a6: N) => f(b.f32, a0, a1, a2, a3, a4, a5, a6);
    case 8: return (a0: N, a1: N, a2: N, a3: N, a4: N, a5: N, a6: N, a7: N) => f(b.f32, a0, a1, a2, a3, a4, a5, a6, a7);
    case 9: return (a0: N, a1: N, a2: N, a3: N, a4: N, a5: N, a6: N, a7: N, a8: N) => f(b.f32, a0, a1, a2, a3, a4, a5, a6, a7, a8);
    case 10: return (a0: N, a1: N, a2: N, a3: N, a4: N, a5: N, a6: N, a7: N, a8: N, a9: N) => f(b.f32, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    default: throw new Error(`a kernel takes 2 to 10 arguments, not ${arity}`);
  }
}
