// The options of the smaller calls: trace, save/load/fromJSON/fromBuffer, gradientCheck, explain.
import type { BackendChoice } from '../backends/backend.js';
import { parseBackend } from './network-options.js';
import { boolean, describe, nonNegative, oneOf, optionsObject, positive, wholeNumberIn } from './values.js';

/** Options of Network.trace. */
export interface TraceOptions extends GradientsOptions {
  /** η: also record the weights one plain SGD step, w − η·dE/dw, would give. The network is not changed. */
  learningRate?: number;
}

/** Options of Network.gradients (and trace). */
export interface GradientsOptions {
  /**
   * Run the pass as a training step does: layers with dropout drop outputs under a fresh mask
   * from the network's generator (which advances). Default false: the network as predict runs it.
   */
  training?: boolean;
}

export function parseTraceOptions(options: unknown, label: string): { learningRate: number | null; training: boolean } {
  const o = optionsObject(options, ['learningRate', 'training'], `${label}: options`);
  return {
    learningRate: o.learningRate === undefined ? null : nonNegative(o.learningRate, `${label}: learningRate`),
    training: parseTraining(o.training, label),
  };
}

export function parseGradientsOptions(options: unknown, label: string): { training: boolean } {
  const o = optionsObject(options, ['training'], `${label}: options`);
  return { training: parseTraining(o.training, label) };
}

const parseTraining = (value: unknown, label: string): boolean => value !== undefined && boolean(value, `${label}: training`);

/** A saved network's form: 'json' (toJSON) or 'binary' (toBuffer). */
export type SaveFormat = 'json' | 'binary';

/** Options of Network.save. */
export interface SaveOptions {
  /** 'json' (toJSON, readable) or 'binary' (toBuffer, compact). Default: 'json' for a path ending in .json, else 'binary'. */
  format?: SaveFormat;
}

export function parsePath(path: unknown, label: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new TypeError(`${label}: path: expected a non-empty string, got ${describe(path)}`);
  return path;
}

/** The format a save writes: the option if given, else by the path's extension. */
export function parseSaveOptions(path: unknown, options: unknown, label: string): { path: string; format: SaveFormat } {
  const p = parsePath(path, label);
  const o = optionsObject(options, ['format'], `${label}: options`);
  const format = o.format === undefined ? (/\.json$/i.test(p) ? 'json' : 'binary') : oneOf(o.format, ['json', 'binary'] as const, `${label}: format`);
  return { path: p, format };
}

/** fromJSON, fromBuffer and load take only { backend }. */
export function parseLoadOptions(options: unknown, label: string): BackendChoice {
  const o = optionsObject(options, ['backend'], `${label}: options`);
  return parseBackend(o.backend, label);
}

/** Options of gradientCheck. */
export interface GradientCheckOptions {
  /** The nudge ε (default 1e-2, suited to float32). */
  epsilon?: number;
  /** Largest relative error that passes (default 1e-2). */
  tolerance?: number;
}

export function parseGradientCheckOptions(options: unknown, label: string): Required<GradientCheckOptions> {
  const o = optionsObject(options, ['epsilon', 'tolerance'], `${label}: options`);
  return {
    epsilon: o.epsilon === undefined ? 1e-2 : positive(o.epsilon, `${label}: epsilon`),
    tolerance: o.tolerance === undefined ? 1e-2 : positive(o.tolerance, `${label}: tolerance`),
  };
}

/** Options of explain. */
export interface ExplainOptions {
  /** Significant digits of every number (default 3). */
  precision?: number;
  /** 'text' (default): indented plain lines. 'markdown': headings and list items. */
  format?: 'text' | 'markdown';
  /** Stop after this many lines, saying how many were left out (default 400). */
  maxLines?: number;
  /** A layer with more weights than this is summarised instead of written weight by weight (default 64). */
  maxWeights?: number;
  /** For a batch, how many samples' values each line lists before "…" (default 4). */
  maxSamples?: number;
  /**
   * The symbols: 'trace' (default) names the weighted sum z and the activation a = f(z), as
   * net.trace's fields and Nielsen's book do; 'office-hours' swaps them, a = Σ w·input and
   * z = f(a), as the office-hours notebook of the seed notes writes its walk-through.
   */
  notation?: 'trace' | 'office-hours';
}

export function parseExplainOptions(options: unknown, label: string): Required<ExplainOptions> {
  const o = optionsObject(options, ['precision', 'format', 'maxLines', 'maxWeights', 'maxSamples', 'notation'], `${label}: options`);
  const whole = (key: string, fallback: number, min: number, max: number) =>
    o[key] === undefined ? fallback : wholeNumberIn(o[key], `${label}: ${key}`, min, max);
  return {
    precision: whole('precision', 3, 1, 17),
    format: o.format === undefined ? 'text' : oneOf(o.format, ['text', 'markdown'] as const, `${label}: format`),
    maxLines: whole('maxLines', 400, 1, 1e9),
    maxWeights: whole('maxWeights', 64, 0, 1e9),
    maxSamples: whole('maxSamples', 4, 1, 1e6),
    notation: o.notation === undefined ? 'trace' : oneOf(o.notation, ['trace', 'office-hours'] as const, `${label}: notation`),
  };
}
