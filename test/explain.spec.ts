// explain(trace): the office-hours walk-through (seeds/001) as exact text, the notebook's lines
// corrected (z(1 − z) for the hidden derivative; w6 from its own gradient), and its options.
import { describe, expect, it } from 'vitest';
import { explain } from '../src/index.js';
import { JS, ROWS, describeRows } from './backends.js';
import { sigmoidNet, officeHoursWeights } from './seed-networks.js';

// Every number agrees with docs/seed-errata.md at 3 significant digits: dE/da3 = −0.0776,
// dE/dw3 = −0.00948 (the notebook prints −0.008), w6 = 0.609 (the notebook's 0.608911 came from dE_dw_5).
const OFFICE_HOURS = `Network 2-2-1 (sigmoid, sigmoid), quadratic loss, 1 sample, no bias.
Symbols (the office-hours notebook's): x = input, a = Σ w·input (the trace's z), z = f(a) (the trace's a), ŷ = output, δ = ∂E/∂a.
Weights are numbered layer by layer, input by input: w1…w6 (layer l, unit j, input k is getWeights(l).weights[j·inputs + k]).
Forward pass
  a1 = w1·x1 + w3·x2 = 0.1·0 + 0.3·1 = 0.3
  z1 = σ(a1) = 0.574
  a2 = w2·x1 + w4·x2 = 0.2·0 + 0.4·1 = 0.4
  z2 = σ(a2) = 0.599
  a3 = w5·z1 + w6·z2 = 0.5·0.574 + 0.6·0.599 = 0.646
  ŷ = σ(a3) = 0.656
Loss
  E = ½(ŷ − y)² = ½(0.656 − 1)² = 0.0591
Backward: layer 1 (output)
  ∂E/∂ŷ = ŷ − y = 0.656 − 1 = −0.344
  ∂ŷ/∂a3 = ŷ(1 − ŷ) = 0.226
  δ3 = ∂E/∂a3 = ∂E/∂ŷ · ∂ŷ/∂a3 = (−0.344) · 0.226 = −0.0776
  ∂E/∂w5 = ∂E/∂ŷ · ∂ŷ/∂a3 · ∂a3/∂w5 = (−0.344) · 0.226 · 0.574 = −0.0446
  ∂E/∂w6 = ∂E/∂ŷ · ∂ŷ/∂a3 · ∂a3/∂w6 = (−0.344) · 0.226 · 0.599 = −0.0464
  ∂E/∂z1 = w5·δ3 = 0.5·(−0.0776) = −0.0388
  ∂E/∂z2 = w6·δ3 = 0.6·(−0.0776) = −0.0465
Backward: layer 0 (hidden)
  ∂z1/∂a1 = z1(1 − z1) = 0.244  (of the activation z1, not of a1)
  δ1 = ∂E/∂a1 = ∂E/∂z1 · ∂z1/∂a1 = (−0.0388) · 0.244 = −0.00948
  ∂E/∂w1 = ∂E/∂z1 · ∂z1/∂a1 · ∂a1/∂w1 = (−0.0388) · 0.244 · 0 = 0
  ∂E/∂w3 = ∂E/∂z1 · ∂z1/∂a1 · ∂a1/∂w3 = (−0.0388) · 0.244 · 1 = −0.00948
  ∂z2/∂a2 = z2(1 − z2) = 0.24  (of the activation z2, not of a2)
  δ2 = ∂E/∂a2 = ∂E/∂z2 · ∂z2/∂a2 = (−0.0465) · 0.24 = −0.0112
  ∂E/∂w2 = ∂E/∂z2 · ∂z2/∂a2 · ∂a2/∂w2 = (−0.0465) · 0.24 · 0 = 0
  ∂E/∂w4 = ∂E/∂z2 · ∂z2/∂a2 · ∂a2/∂w4 = (−0.0465) · 0.24 · 1 = −0.0112
  ∂E/∂x1 = w1·δ1 + w2·δ2 = 0.1·(−0.00948) + 0.2·(−0.0112) = −0.00318  (reaches the input: nothing to update)
  ∂E/∂x2 = w3·δ1 + w4·δ2 = 0.3·(−0.00948) + 0.4·(−0.0112) = −0.00732  (reaches the input: nothing to update)
Update (one SGD step)
  w ← w − η·∂E/∂w with η = 0.2
  w1 = 0.1 − 0.2·0 = 0.1
  w2 = 0.2 − 0.2·0 = 0.2
  w3 = 0.3 − 0.2·(−0.00948) = 0.302
  w4 = 0.4 − 0.2·(−0.0112) = 0.402
  w5 = 0.5 − 0.2·(−0.0446) = 0.509
  w6 = 0.6 − 0.2·(−0.0464) = 0.609
`;

describeRows(ROWS)('explain (%s)', (row) => {
  it('office hours 2-2-1, one step with α = 0.2: the exact walk-through', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const text = explain(net.trace([0, 1], [1], { learningRate: 0.2 }), { notation: 'office-hours' });
    expect(text).toBe(OFFICE_HOURS);
    expect(text).toContain('∂E/∂w5 = ∂E/∂ŷ · ∂ŷ/∂a3 · ∂a3/∂w5 = (−0.344) · 0.226 · 0.574 = −0.0446');
    expect(text).not.toContain('0.21'); // the notebook's a1(1 − a1)
  });

  it('markdown: headings and list items, same lines', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const md = explain(net.trace([0, 1], [1], { learningRate: 0.2 }), { format: 'markdown', notation: 'office-hours' });
    expect(md).toContain('#### Forward pass\n\n- a1 = w1·x1 + w3·x2 = 0.1·0 + 0.3·1 = 0.3\n');
    expect(md).toContain('#### Backward: layer 0 (hidden)\n');
    expect(md).toContain('- ∂E/∂w5 = ∂E/∂ŷ · ∂ŷ/∂a3 · ∂a3/∂w5 = (−0.344) · 0.226 · 0.574 = −0.0446\n');
  });

  it('precision is in significant digits', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const text = explain(net.trace([0, 1], [1]), { precision: 6, notation: 'office-hours' });
    expect(text).toContain('ŷ = σ(a3) = 0.656206');
    expect(text).toContain('δ1 = ∂E/∂a1 = ∂E/∂z1 · ∂z1/∂a1 = (−0.0387798) · 0.244458 = −0.00948006');
    expect(text).not.toContain('Update');
  });

  it('a batch lists each sample\'s values and writes gradients as means; biases are weights on a constant 1', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights(), { bias: true });
    const text = explain(net.trace([[0, 1], [1, 0]], [[1], [0]], { learningRate: 0.5 }), { notation: 'office-hours' });
    expect(text).toContain('2 samples (every gradient is the mean over them), with bias.');
    expect(text).toContain('a1 = w1·x1 + w3·x2 + b1 = [0.3, 0.1]');
    expect(text).toMatch(/∂E\/∂w5 = mean\(∂E\/∂ŷ · ∂ŷ\/∂a3 · ∂a3\/∂w5\) = mean\(\[−0\.344, 0\.644\] · \[0\.226, 0\.229\] · \[0\.574, 0\.525\]\) = 0\.0165/);
    expect(text).toMatch(/∂E\/∂b3 = mean\(∂E\/∂ŷ · ∂ŷ\/∂a3 · 1\) = .* \(a bias is a weight whose input is 1\)/);
    expect(text).toMatch(/b3 = 0 − 0\.5·/);
  });

  it('cross-entropy: δ = ŷ − y straight from the loss', async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights(), { loss: 'binary-cross-entropy' });
    const text = explain(net.trace([0, 1], [1]), { notation: 'office-hours' });
    expect(text).toContain('δ3 = ∂E/∂a3 = ŷ − y = −0.344  (cross-entropy on a sigmoid: ∂E/∂ŷ · ∂ŷ/∂a cancel to ŷ − y)');
    expect(text).toContain('∂E/∂w5 = ∂E/∂a3 · ∂a3/∂w5 = (−0.344) · 0.574 = −0.197');
  });

  it("by default writes net.trace's symbols (z the weighted sum, a = f(z)): the notebook's lines with the two letters swapped", async () => {
    const net = await sigmoidNet(row, [2, 2, 1], officeHoursWeights());
    const trace = net.trace([0, 1], [1], { learningRate: 0.2 });
    const text = explain(trace);
    expect(text).toContain('Symbols (as in net.trace): x = input, z = Σ w·input, a = f(z), ŷ = output, δ = ∂E/∂z.');
    expect(text).toContain('z1 = w1·x1 + w3·x2 = 0.1·0 + 0.3·1 = 0.3\n  a1 = σ(z1) = 0.574');
    expect(text).toContain('∂a1/∂z1 = a1(1 − a1) = 0.244  (of the activation a1, not of z1)');
    const swap = (s: string) => s.replace(/[az](?=\d)/g, (c) => (c === 'a' ? 'z' : 'a'));
    const body = (s: string) => s.split('\n').slice(2).join('\n');
    expect(body(text)).toBe(body(swap(explain(trace, { notation: 'office-hours' }))));
    const fused = await sigmoidNet(row, [2, 2, 1], officeHoursWeights(), { loss: 'binary-cross-entropy' });
    expect(explain(fused.trace([0, 1], [1]))).toContain('δ3 = ∂E/∂z3 = ŷ − y = −0.344  (cross-entropy on a sigmoid: ∂E/∂ŷ · ∂ŷ/∂z cancel to ŷ − y)');
  });

  it('stays bounded on a big network: layers summarised, lines capped', async () => {
    const net = await row.create({ layers: [64, 32, 10], seed: 1 });
    const x = Array.from({ length: 64 }, (_, i) => (i % 7) / 7);
    const y = Array.from({ length: 10 }, (_, i) => (i === 3 ? 1 : 0));
    const trace = net.trace([x], [y], { learningRate: 0.1 });
    const text = explain(trace);
    expect(text).toMatch(/layer 0: 32 units, z = W·x \+ b ∈ \[.*\], a = sigmoid\(z\) ∈ \[/);
    expect(text).toMatch(/∂E\/∂w = δ·xᵀ \(32 × 64 weights\): mean \|∂E\/∂w\| = /);
    expect(text.split('\n').length).toBeLessThan(80);
    const capped = explain(trace, { maxLines: 5, maxWeights: 1e6 });
    expect(capped.split('\n').length).toBeLessThanOrEqual(12);
    expect(capped).toMatch(/… \d+ more lines \(raise maxLines to see them\)\n$/);
  });
});

describe('explain: arguments', () => {
  it('rejects what it cannot explain, naming the argument', async () => {
    expect(() => explain({} as never)).toThrow(/explain: trace: expected what net.trace returns, got an object/);
    const net = await sigmoidNet(JS, [2, 1], [[[0.1, 0.2]]]);
    const t = net.trace([0, 1], [1]);
    expect(() => explain(t, { precision: 0 })).toThrow(/explain: precision: expected a whole number from 1 to 17, got number 0/);
    expect(() => explain(t, { format: 'html' as never })).toThrow(/explain: format: expected one of 'text', 'markdown', got the string "html"/);
    expect(() => explain(t, { digits: 3 } as never)).toThrow(/explain: options: unknown option "digits"/);
    expect(() => explain(t, { notation: 'nielsen' as never })).toThrow(/explain: notation: expected one of 'trace', 'office-hours', got the string "nielsen"/);
  });
});
