// Options several commands take, described once so their help and checks read the same.
import type { OptionSpec } from './args.js';

export const BACKENDS = ['auto', 'wasm', 'js'] as const;

export const BACKEND: OptionSpec = { kind: 'choice', choices: BACKENDS, default: 'auto', help: 'where the kernels run; auto is Wasm SIMD where it runs, else JS' };

export const PLOT: OptionSpec = { kind: 'text', value: 'FILE', help: 'also write the loss curves as an SVG file' };
