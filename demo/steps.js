// Section 3: the seed notes' 2-2-1 office-hours example, one backprop step at a time. Every
// number is read from net.trace (the library's own forward and backward passes); each shown
// value carries its full float32 value in data-value, which the browser tests compare with Node.
import { Network } from '/dist/backprop.browser.js';

const $ = (id) => document.getElementById(id);
const ETA = 0.2;
const net = await Network.create({
  layers: [2, { units: 2, activation: 'sigmoid' }, { units: 1, activation: 'sigmoid' }],
  loss: 'quadratic',
  bias: false,
  seed: 1,
});
// Rows are the weights into a unit: hidden 1 gets w1 (from x1) and w3 (from x2), hidden 2 gets w2 and w4.
net.setWeights(0, [[0.1, 0.3], [0.2, 0.4]]);
net.setWeights(1, [[0.5, 0.6]]);
const x = [0, 1];
const y = 1;
const trace = net.trace([x], [[y]], { learningRate: ETA });
const [hidden, output] = trace.layers;
const kernel = net.kernel;
net.dispose();

/** Weight name → [layer, flat index] in the trace (row-major, units × inputs). */
const WEIGHTS = { w1: [0, 0], w3: [0, 1], w2: [0, 2], w4: [0, 3], w5: [1, 0], w6: [1, 1] };
const layerOf = (l) => trace.layers[l];
const w = (name) => layerOf(WEIGHTS[name][0]).weights[WEIGHTS[name][1]];
const grad = (name) => layerOf(WEIGHTS[name][0]).gradWeights[WEIGHTS[name][1]];
const updated = (name) => layerOf(WEIGHTS[name][0]).updatedWeights[WEIGHTS[name][1]];

const fmt = (v) => (v === 0 ? '0' : String(Number(v.toPrecision(4))));
/** A shown number: 4 significant digits, the exact value in data-value. */
const val = (key, v) => `<b data-key="${key}" data-value="${v}" title="${v}">${fmt(v)}</b>`;
const n = (v) => fmt(v); // an operand repeated from an earlier step

const a1 = hidden.a[0];
const a2 = hidden.a[1];
const yhat = output.a[0];
const delta3 = output.delta[0];
const steps = [
  {
    lit: ['x1', 'x2', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6'],
    html: `Inputs x = [${x}], target y = ${y}; weights w1…w6 = ${['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((k) => n(w(k))).join(', ')}, no bias.`,
  },
  {
    lit: ['x1', 'x2', 'h1', 'w1', 'w3'],
    html: `Hidden unit 1: z₁ = w1·x1 + w3·x2 = ${n(w('w1'))}·${x[0]} + ${n(w('w3'))}·${x[1]} = ${val('z1', hidden.z[0])}; a₁ = σ(z₁) = ${val('a1', a1)}`,
    show: { h1: `a=${fmt(a1)}` },
  },
  {
    lit: ['x1', 'x2', 'h2', 'w2', 'w4'],
    html: `Hidden unit 2: z₂ = w2·x1 + w4·x2 = ${n(w('w2'))}·${x[0]} + ${n(w('w4'))}·${x[1]} = ${val('z2', hidden.z[1])}; a₂ = σ(z₂) = ${val('a2', a2)}`,
    show: { h2: `a=${fmt(a2)}` },
  },
  {
    lit: ['h1', 'h2', 'o', 'w5', 'w6'],
    html: `Output: z₃ = w5·a₁ + w6·a₂ = ${n(w('w5'))}·${n(a1)} + ${n(w('w6'))}·${n(a2)} = ${val('z3', output.z[0])}; ŷ = σ(z₃) = ${val('yhat', yhat)}`,
    show: { o: `ŷ=${fmt(yhat)}` },
  },
  {
    lit: ['o'],
    html: `Loss: E = ½(ŷ − y)² = ½(${n(yhat)} − ${y})² = ${val('loss', trace.loss)}`,
  },
  {
    lit: ['o'],
    html: `Output delta: δ₃ = ∂E/∂z₃ = (ŷ − y)·σ′(z₃) = (ŷ − y)·ŷ(1 − ŷ) = ${val('dEdyhat', output.dEda[0])} · ${val('dsigma3', output.derivative[0])} = ${val('delta3', delta3)}`,
    show: { o: `δ=${fmt(delta3)}` },
  },
  {
    lit: ['o', 'h1', 'h2', 'w5', 'w6'],
    html: `Output weights: ∂E/∂w5 = δ₃·a₁ = ${n(delta3)}·${n(a1)} = ${val('gw5', grad('w5'))}; ∂E/∂w6 = δ₃·a₂ = ${n(delta3)}·${n(a2)} = ${val('gw6', grad('w6'))}`,
  },
  {
    lit: ['o', 'h1', 'h2', 'w5', 'w6'],
    html: `Error sent back to the hidden units: ∂E/∂a₁ = w5·δ₃ = ${val('back1', output.propagated[0])}; ∂E/∂a₂ = w6·δ₃ = ${val('back2', output.propagated[1])}`,
  },
  {
    lit: ['h1', 'h2'],
    html: `Hidden deltas: δ₁ = ∂E/∂a₁ · a₁(1 − a₁) = ${n(hidden.dEda[0])}·${val('dsigma1', hidden.derivative[0])} = ${val('delta1', hidden.delta[0])}; ` +
      `δ₂ = ∂E/∂a₂ · a₂(1 − a₂) = ${n(hidden.dEda[1])}·${val('dsigma2', hidden.derivative[1])} = ${val('delta2', hidden.delta[1])}`,
    show: { h1: `δ=${fmt(hidden.delta[0])}`, h2: `δ=${fmt(hidden.delta[1])}` },
  },
  {
    lit: ['x1', 'x2', 'h1', 'h2', 'w1', 'w2', 'w3', 'w4'],
    html: `Hidden weights, ∂E/∂w = δ·input: ∂E/∂w1 = δ₁·x1 = ${val('gw1', grad('w1'))}, ∂E/∂w3 = δ₁·x2 = ${val('gw3', grad('w3'))}, ` +
      `∂E/∂w2 = δ₂·x1 = ${val('gw2', grad('w2'))}, ∂E/∂w4 = δ₂·x2 = ${val('gw4', grad('w4'))}`,
  },
  {
    lit: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'],
    html: `Update, w ← w − η·∂E/∂w with η = ${ETA}: ` +
      ['w1', 'w2', 'w3', 'w4', 'w5', 'w6'].map((k) => `${k} = ${n(w(k))} − ${ETA}·(${n(grad(k))}) = ${val(`n${k}`, updated(k))}`).join('; '),
    update: true,
  },
];

// ---- the diagram -------------------------------------------------------------------------
const NODES = { x1: [50, 70, 'x1'], x2: [50, 170, 'x2'], h1: [210, 70, 'h1'], h2: [210, 170, 'h2'], o: [370, 120, 'out'] };
const EDGES = { w1: ['x1', 'h1'], w2: ['x1', 'h2'], w3: ['x2', 'h1'], w4: ['x2', 'h2'], w5: ['h1', 'o'], w6: ['h2', 'o'] };
const svg = $('diagram');
const NS = 'http://www.w3.org/2000/svg';
const el = (tag, attrs, parent) => {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.append(e);
  return e;
};
const shapes = {};
const edgeLabels = {};
const nodeNotes = {};
for (const [name, [from, to]] of Object.entries(EDGES)) {
  const [x1, y1] = NODES[from];
  const [x2, y2] = NODES[to];
  const g = el('g', { class: 'edge' }, svg);
  el('line', { x1, y1, x2, y2 }, g);
  // Labels a third of the way along, so the two edges into a unit do not overlap.
  const t = from.startsWith('x') ? 0.3 : 0.45;
  edgeLabels[name] = el('text', { x: x1 + (x2 - x1) * t, y: y1 + (y2 - y1) * t - 5, 'text-anchor': 'middle' }, g);
  shapes[name] = g;
}
for (const [name, [cx, cy, label]] of Object.entries(NODES)) {
  const g = el('g', { class: 'node' }, svg);
  el('circle', { cx, cy, r: 20 }, g);
  el('text', { x: cx, y: cy + 4, 'text-anchor': 'middle' }, g).textContent = label;
  nodeNotes[name] = [
    el('text', { x: cx, y: cy + 36, 'text-anchor': 'middle', class: 'value' }, g),
    el('text', { x: cx, y: cy + 50, 'text-anchor': 'middle', class: 'delta' }, g),
  ];
  shapes[name] = g;
}
nodeNotes.x1[0].textContent = `${x[0]}`;
nodeNotes.x2[0].textContent = `${x[1]}`;

// ---- stepping ----------------------------------------------------------------------------
const list = $('step-list');
for (const s of steps) {
  const li = document.createElement('li');
  li.innerHTML = s.html;
  list.append(li);
}
let at = 0;

function render() {
  Array.from(list.children).forEach((li, i) => {
    li.hidden = i > at;
    li.classList.toggle('done', i < at);
    li.classList.toggle('current', i === at);
  });
  for (const [name, shape] of Object.entries(shapes)) shape.classList.toggle('lit', steps[at].lit.includes(name));
  const updatedYet = steps.slice(0, at + 1).some((s) => s.update);
  for (const name of Object.keys(EDGES)) {
    edgeLabels[name].textContent = updatedYet ? `${name}=${fmt(updated(name))}` : `${name}=${fmt(w(name))}`;
  }
  for (const name of ['h1', 'h2', 'o']) {
    const [value, delta] = nodeNotes[name];
    value.textContent = '';
    delta.textContent = '';
    for (const s of steps.slice(0, at + 1)) {
      const note = s.show?.[name];
      if (note?.startsWith('δ')) delta.textContent = note;
      else if (note) value.textContent = note;
    }
  }
  $('prev').disabled = at === 0;
  $('next').disabled = at === steps.length - 1;
  $('step-count').textContent = `step ${at + 1} of ${steps.length}`;
}

$('next').addEventListener('click', () => {
  at = Math.min(steps.length - 1, at + 1);
  render();
});
$('prev').addEventListener('click', () => {
  at = Math.max(0, at - 1);
  render();
});
$('restart').addEventListener('click', () => {
  at = 0;
  render();
});
render();
window.demo = { ...window.demo, steps: { count: steps.length, kernel } };
