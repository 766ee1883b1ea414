// explain(trace): the backprop step of net.trace written out one chain-rule step per line, in
// net.trace's own symbols (z the weighted sum, a = f(z)) or in the office-hours notebook's
// (seeds/001: a the weighted sum, z = f(a)), with the notebook's two mistakes fixed: the hidden
// derivative is taken of the activation, and every weight gets its own gradient.
import type { Trace, TraceLayer } from './trace.js';
import { describe } from './validate/values.js';
import { parseExplainOptions, type ExplainOptions } from './validate/call-options.js';

type Parsed = Required<ExplainOptions>;

interface Section {
  title: string;
  lines: string[];
}

/** How each built-in activation reads: act = f(pre), with the notation's letters. */
const ACTIVATION_TEXT: Record<string, { forward: (pre: string) => string; derivative: (act: string, pre: string) => string }> = {
  sigmoid: { forward: (pre) => `σ(${pre})`, derivative: (act) => `${act}(1 − ${act})` },
  tanh: { forward: (pre) => `tanh(${pre})`, derivative: (act) => `1 − ${act}²` },
  relu: { forward: (pre) => `relu(${pre})`, derivative: (_act, pre) => `(${pre} > 0 ? 1 : 0)` },
  'leaky-relu': { forward: (pre) => `leaky-relu(${pre})`, derivative: (_act, pre) => `(${pre} > 0 ? 1 : 0.01)` },
  identity: { forward: (pre) => pre, derivative: () => '1' },
  softmax: { forward: (pre) => `softmax(…)[${pre}]`, derivative: () => 'the softmax Jacobian' },
};

/** The loss in symbols; `dEdy` is ∂E/∂ŷ for one output (absent for the fused cross-entropies, which say why from the weighted sum's letter). */
const LOSS_TEXT: Record<string, { value: (K: number) => string; dEdy?: (yHat: string, y: string, K: number) => string; fused?: (pre: string) => string }> = {
  quadratic: { value: (K) => (K === 1 ? '½(ŷ − y)²' : '½Σ(ŷ − y)²'), dEdy: (yHat, y) => `${yHat} − ${y}` },
  mse: { value: (K) => (K === 1 ? '(ŷ − y)²' : `(1/${K})Σ(ŷ − y)²`), dEdy: (yHat, y, K) => `(2/${K})(${yHat} − ${y})` },
  'binary-cross-entropy': {
    value: (K) => (K === 1 ? '−[y ln ŷ + (1 − y) ln(1 − ŷ)]' : '−Σ[y ln ŷ + (1 − y) ln(1 − ŷ)]'),
    fused: (pre) => `cross-entropy on a sigmoid: ∂E/∂ŷ · ∂ŷ/∂${pre} cancel to ŷ − y`,
  },
  'categorical-cross-entropy': { value: () => '−Σ y ln ŷ', fused: () => 'cross-entropy on a softmax: the Jacobian cancels to ŷ − y' },
};

/**
 * Write a trace from net.trace as a walk-through: the forward values, the loss, every δ, every
 * weight gradient as its chain of factors, the errors sent down, and the updated weights when
 * the trace has a learning rate. Symbols: x inputs, z = Σ w·input (+ b) the weighted sum into a
 * unit, a = f(z) its activation (the trace's names; `notation: 'office-hours'` swaps the two
 * letters, as the notebook does), ŷ the output, δ = ∂E/∂z.
 */
export function explain(trace: Trace, options: ExplainOptions = {}): string {
  const o = parseExplainOptions(options, 'explain');
  checkTrace(trace);
  const sections = build(trace, o);
  const out: string[] = [];
  let used = 0;
  let dropped = 0;
  const markdown = o.format === 'markdown';
  for (const s of sections) {
    if (used >= o.maxLines) {
      dropped += s.lines.length;
      continue;
    }
    if (s.title) out.push(markdown ? `${out.length ? '\n' : ''}#### ${escape(s.title)}\n` : s.title);
    for (const line of s.lines) {
      if (used >= o.maxLines) {
        dropped++;
        continue;
      }
      out.push(markdown ? (s.title ? `- ${escape(line)}` : `${escape(line)}  `) : s.title ? `  ${line}` : line);
      used++;
    }
  }
  if (dropped > 0) out.push(`${markdown ? '\n' : ''}… ${dropped} more lines (raise maxLines to see them)`);
  return out.join('\n') + '\n';
}

function checkTrace(trace: unknown): asserts trace is Trace {
  const t = trace as Trace | null;
  if (t === null || typeof t !== 'object' || !Array.isArray(t.layers) || t.layers.length === 0 || typeof t.batch !== 'number') {
    throw new TypeError(`explain: trace: expected what net.trace returns, got ${describe(trace)}`);
  }
}

/** Markdown would read _ and * as emphasis; the lines use neither on purpose, names might. */
function escape(s: string): string {
  return s.replace(/([_*`])/g, '\\$1');
}

function build(t: Trace, o: Parsed): Section[] {
  const n = t.batch;
  const L = t.layers.length;
  const last = L - 1;
  const K = t.outputs;

  const num = (v: number) => formatNumber(v, o.precision);
  /** One value per sample: a number for one sample, [v1, v2, …] for a batch. */
  const vals = (get: (r: number) => number): string => {
    if (n === 1) return num(get(0));
    const shown = Array.from({ length: Math.min(n, o.maxSamples) }, (_, r) => num(get(r)));
    return `[${shown.join(', ')}${n > o.maxSamples ? ', …' : ''}]`;
  };
  /** A factor in a product: negatives in parentheses, as the notebook writes them. */
  const factor = (get: (r: number) => number): string => {
    const s = vals(get);
    return n === 1 && get(0) < 0 ? `(${s})` : s;
  };
  const mean = (expr: string) => (n === 1 ? expr : `mean(${expr})`);

  // ---- symbols: units numbered across layers, weights layer by layer, input by input ----
  const unitBase: number[] = [];
  const weightBase: number[] = [];
  let u = 0;
  let w = 0;
  for (const l of t.layers) {
    unitBase.push(u);
    weightBase.push(w);
    u += l.units;
    w += l.units * l.inputs;
  }
  const unit = (l: number, j: number) => unitBase[l] + j + 1;
  // The weighted sum's letter and the activation's: the trace's z and a, or the notebook's a and z.
  const [sumLetter, actLetter] = o.notation === 'office-hours' ? ['a', 'z'] : ['z', 'a'];
  const pre = (l: number, j: number) => `${sumLetter}${unit(l, j)}`;
  const act = (l: number, j: number) => (l === last ? (K === 1 ? 'ŷ' : `ŷ${j + 1}`) : `${actLetter}${unit(l, j)}`);
  const target = (j: number) => (K === 1 ? 'y' : `y${j + 1}`);
  const input = (l: number, k: number) => (l === 0 ? `x${k + 1}` : act(l - 1, k));
  const weight = (l: number, j: number, k: number) => `w${weightBase[l] + k * t.layers[l].units + j + 1}`;
  const bias = (l: number, j: number) => `b${unit(l, j)}`;
  const delta = (l: number, j: number) => `δ${unit(l, j)}`;
  const big = (l: TraceLayer) => l.units * l.inputs > o.maxWeights;

  const sections: Section[] = [];
  const widths = [t.inputs, ...t.layers.map((l) => l.units)].join('-');
  const acts = t.layers.map((l) => l.activation).join(', ');
  const hasBias = t.layers[0].bias !== null;
  sections.push({
    title: '',
    lines: [
      `Network ${widths} (${acts}), ${t.lossName} loss, ${n === 1 ? '1 sample' : `${n} samples (every gradient is the mean over them)`}, ${hasBias ? 'with' : 'no'} bias.`,
      o.notation === 'office-hours'
        ? `Symbols (the office-hours notebook's): x = input, a = Σ w·input${hasBias ? ' + b' : ''} (the trace's z), z = f(a) (the trace's a), ŷ = output, δ = ∂E/∂a.`
        : `Symbols (as in net.trace): x = input, z = Σ w·input${hasBias ? ' + b' : ''}, a = f(z), ŷ = output, δ = ∂E/∂z.`,
      `Weights are numbered layer by layer, input by input: w${weightBase[0] + 1}…w${w} (layer l, unit j, input k is getWeights(l).weights[j·inputs + k]).`,
    ],
  });

  // ---- forward ----
  const forward: string[] = [];
  t.layers.forEach((l, li) => {
    if (big(l)) {
      forward.push(`layer ${li}: ${l.units} units, ${sumLetter} = W·x${hasBias ? ' + b' : ''} ∈ [${num(min(l.z))}, ${num(max(l.z))}], ${actLetter} = ${l.activation}(${sumLetter}) ∈ [${num(min(l.a))}, ${num(max(l.a))}]`);
      if (l.dropoutMask) forward.push(`layer ${li}: dropout mask m kept ${l.dropoutMask.filter((v) => v > 0).length} of ${l.dropoutMask.length} values; the layer above reads ${actLetter}·m`);
      return;
    }
    const f = ACTIVATION_TEXT[l.activation]?.forward ?? ((p: string) => `${l.activation}(${p})`);
    for (let j = 0; j < l.units; j++) {
      const terms = Array.from({ length: l.inputs }, (_, k) => `${weight(li, j, k)}·${input(li, k)}`);
      if (hasBias) terms.push(bias(li, j));
      let line = `${pre(li, j)} = ${elide(terms)}`;
      if (n === 1 && l.inputs <= 8) {
        const values = Array.from({ length: l.inputs }, (_, k) => `${paren(num(l.weights[j * l.inputs + k]))}·${factor((r) => l.input[r * l.inputs + k])}`);
        if (l.bias) values.push(factor(() => l.bias![j]));
        line += ` = ${values.join(' + ')}`;
      }
      forward.push(`${line} = ${vals((r) => l.z[r * l.units + j])}`);
      forward.push(`${act(li, j)} = ${f(pre(li, j))} = ${vals((r) => l.a[r * l.units + j])}`);
      const mask = l.dropoutMask;
      if (mask) {
        const m = (r: number) => mask[r * l.units + j];
        forward.push(`${act(li, j)}·m${unit(li, j)} = ${factor((r) => l.a[r * l.units + j])} · ${factor(m)} = ${vals((r) => l.a[r * l.units + j] * m(r))}  (dropout mask m: 0 or 1/(1 − p); the layer above reads this)`);
      }
    }
  });
  sections.push({ title: 'Forward pass', lines: forward });

  // ---- loss ----
  const lossText = LOSS_TEXT[t.lossName];
  const lossLines: string[] = [];
  if (K === 1 && n === 1 && t.lossName === 'quadratic') {
    lossLines.push(`E = ½(ŷ − y)² = ½(${num(t.output[0])} − ${num(t.target[0])})² = ${num(t.loss)}`);
  } else {
    lossLines.push(`E = ${n === 1 ? '' : 'mean over samples of '}${lossText?.value(K) ?? t.lossName} = ${num(t.loss)}${K === 1 ? `, with y = ${vals((r) => t.target[r])}` : ''}`);
  }
  sections.push({ title: 'Loss', lines: lossLines });

  // ---- backward, layer by layer from the output ----
  for (let li = last; li >= 0; li--) {
    const l = t.layers[li];
    const lines: string[] = [];
    const isOut = li === last;
    const title = `Backward: layer ${li} (${isOut ? 'output' : 'hidden'})`;
    if (big(l)) {
      lines.push(`δ = ∂E/∂${sumLetter} for ${l.units} units: mean |δ| = ${num(meanAbs(l.delta))}, largest |δ| = ${num(maxAbs(l.delta))}`);
      const at = argMaxAbs(l.gradWeights);
      lines.push(
        `∂E/∂w = ${n === 1 ? 'δ·xᵀ' : 'mean of δ·xᵀ'} (${l.units} × ${l.inputs} weights): mean |∂E/∂w| = ${num(meanAbs(l.gradWeights))}, ` +
          `largest ${num(l.gradWeights[at])} at getWeights(${li}).weights[${at}]`,
      );
      if (l.gradBias) lines.push(`∂E/∂b = ${mean('δ')}: mean |∂E/∂b| = ${num(meanAbs(l.gradBias))}`);
      lines.push(`error sent below, Wᵀδ (${l.inputs} values per sample): mean |Wᵀδ| = ${num(meanAbs(l.propagated))}`);
      sections.push({ title, lines });
      continue;
    }
    const at = (arr: Float32Array, j: number, width: number) => (r: number) => arr[r * width + j];
    for (let j = 0; j < l.units; j++) {
      const A = act(li, j);
      const P = pre(li, j);
      const D = delta(li, j);
      // The chain: ∂E/∂act · ∂act/∂pre (or δ straight from a fused loss), then · ∂pre/∂w = input.
      let chain: string;
      let chainValues: string;
      if (isOut && t.fused) {
        lines.push(`${D} = ∂E/∂${P} = ${A} − ${target(j)} = ${vals(at(l.delta, j, l.units))}  (${lossText?.fused?.(sumLetter) ?? 'fused with the loss'})`);
        chain = `∂E/∂${P}`;
        chainValues = factor(at(l.delta, j, l.units));
      } else {
        if (isOut) {
          const dEdy = lossText?.dEdy?.(A, target(j), K) ?? `∂E/∂${A}`;
          const values = n === 1 && (t.lossName === 'quadratic') ? ` = ${num(l.a[j])} − ${num(t.target[j])}` : '';
          lines.push(`∂E/∂${A} = ${dEdy}${values} = ${vals(at(l.dEda!, j, l.units))}`);
        }
        const mask = l.dropoutMask;
        if (mask) {
          const above = t.layers[li + 1].propagated;
          lines.push(`∂E/∂${A} = m${unit(li, j)} · ∂E/∂(${A}·m${unit(li, j)}) = ${factor(at(mask, j, l.units))} · ${factor(at(above, j, l.units))} = ${vals(at(l.dEda!, j, l.units))}  (the forward pass's dropout mask)`);
        }
        if (l.derivative) {
          const d = ACTIVATION_TEXT[l.activation]?.derivative(A, P) ?? `${l.activation}'(${P})`;
          const note = l.activation === 'sigmoid' && !isOut ? `  (of the activation ${A}, not of ${P})` : '';
          lines.push(`∂${A}/∂${P} = ${d} = ${vals(at(l.derivative, j, l.units))}${note}`);
          lines.push(`${D} = ∂E/∂${P} = ∂E/∂${A} · ∂${A}/∂${P} = ${factor(at(l.dEda!, j, l.units))} · ${factor(at(l.derivative, j, l.units))} = ${vals(at(l.delta, j, l.units))}`);
          chain = `∂E/∂${A} · ∂${A}/∂${P}`;
          chainValues = `${factor(at(l.dEda!, j, l.units))} · ${factor(at(l.derivative, j, l.units))}`;
        } else {
          lines.push(`${D} = ∂E/∂${P} = (${l.activation} Jacobian)ᵀ · ∂E/∂ŷ = ${vals(at(l.delta, j, l.units))}`);
          chain = `∂E/∂${P}`;
          chainValues = factor(at(l.delta, j, l.units));
        }
      }
      for (let k = 0; k < l.inputs; k++) {
        const W = weight(li, j, k);
        lines.push(
          `∂E/∂${W} = ${mean(`${chain} · ∂${P}/∂${W}`)} = ${mean(`${chainValues} · ${factor(at(l.input, k, l.inputs))}`)} = ${num(l.gradWeights[j * l.inputs + k])}`,
        );
      }
      if (l.gradBias) {
        lines.push(`∂E/∂${bias(li, j)} = ${mean(`${chain} · 1`)} = ${num(l.gradBias[j])}  (a bias is a weight whose input is 1)`);
      }
    }
    // The error each input of this layer receives: the sum over every unit it feeds.
    for (let k = 0; k < l.inputs; k++) {
      const I = input(li, k);
      const terms = Array.from({ length: l.units }, (_, j) => `${weight(li, j, k)}·${delta(li, j)}`);
      const values =
        n === 1 && l.units <= 8 ? ` = ${Array.from({ length: l.units }, (_, j) => `${paren(num(l.weights[j * l.inputs + k]))}·${factor(at(l.delta, j, l.units))}`).join(' + ')}` : '';
      const note = li === 0 ? '  (reaches the input: nothing to update)' : '';
      lines.push(`∂E/∂${I} = ${elide(terms)}${values} = ${vals(at(l.propagated, k, l.inputs))}${note}`);
    }
    sections.push({ title, lines });
  }

  // ---- update ----
  if (t.learningRate !== null) {
    const eta = num(t.learningRate);
    const lines: string[] = [`w ← w − η·∂E/∂w with η = ${eta}`];
    t.layers.forEach((l, li) => {
      if (big(l)) {
        const change = l.updatedWeights!.map((v, e) => v - l.weights[e]);
        lines.push(`layer ${li}: ${l.units * l.inputs} weights updated, largest change ${num(change[argMaxAbs(change)])}`);
        return;
      }
      for (let k = 0; k < l.inputs; k++) {
        for (let j = 0; j < l.units; j++) {
          const e = j * l.inputs + k;
          lines.push(`${weight(li, j, k)} = ${num(l.weights[e])} − ${eta}·${paren(num(l.gradWeights[e]))} = ${num(l.updatedWeights![e])}`);
        }
      }
      if (l.bias && l.updatedBias) {
        for (let j = 0; j < l.units; j++) {
          lines.push(`${bias(li, j)} = ${num(l.bias[j])} − ${eta}·${paren(num(l.gradBias![j]))} = ${num(l.updatedBias[j])}`);
        }
      }
    });
    sections.push({ title: 'Update (one SGD step)', lines });
  }
  return sections;
}

/** `precision` significant digits, trailing zeros dropped, a real minus sign: −0.0446, 0.3, 1e−7. */
export function formatNumber(v: number, precision = 3): string {
  if (v === 0) return '0';
  let s = v.toPrecision(precision);
  if (s.includes('e')) {
    const [m, e] = s.split('e');
    s = `${m.includes('.') ? m.replace(/\.?0+$/, '') : m}e${e.replace('+', '')}`;
  } else if (s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s.replace(/-/g, '−');
}

const paren = (s: string) => (s.startsWith('−') ? `(${s})` : s);

/** a + b + … + z for long sums. */
function elide(terms: string[]): string {
  return terms.length <= 8 ? terms.join(' + ') : `${terms.slice(0, 3).join(' + ')} + … + ${terms[terms.length - 1]} (${terms.length} terms)`;
}

function min(a: Float32Array): number {
  return a.reduce((m, v) => Math.min(m, v), Infinity);
}
function max(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, v), -Infinity);
}
function meanAbs(a: Float32Array): number {
  return a.reduce((s, v) => s + Math.abs(v), 0) / a.length;
}
function maxAbs(a: Float32Array): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}
function argMaxAbs(a: Float32Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (Math.abs(a[i]) > Math.abs(a[best])) best = i;
  return best;
}
