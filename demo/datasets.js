// Two-class point sets in [−1, 1]², generated in the page with the library's seeded generator.
import { Random } from '/dist/backprop.browser.js';

/** { x: Float32Array (n × 2), y: Float32Array (n), n } for the named set. */
export function makeDataset(name, seed = 1) {
  const random = new Random(seed);
  const points = [];
  const jitter = (s) => (random.uniform() - 0.5) * s;
  if (name === 'spirals') {
    const perClass = 100;
    for (let i = 0; i < perClass; i++) {
      const r = (i / perClass) * 0.9 + 0.05;
      const t = (i / perClass) * 3 * Math.PI;
      for (const label of [0, 1]) {
        const angle = t + label * Math.PI;
        points.push([r * Math.cos(angle) + jitter(0.06), r * Math.sin(angle) + jitter(0.06), label]);
      }
    }
  } else if (name === 'circle') {
    for (let i = 0; i < 200; i++) {
      const inside = i % 2;
      const r = inside ? random.uniform() * 0.45 : 0.6 + random.uniform() * 0.35;
      const angle = random.uniform() * 2 * Math.PI;
      points.push([r * Math.cos(angle), r * Math.sin(angle), inside]);
    }
  } else if (name === 'xor') {
    for (let i = 0; i < 200; i++) {
      const px = random.uniform() * 1.9 - 0.95;
      const py = random.uniform() * 1.9 - 0.95;
      const shift = 0.05; // keep points off the axes, where the class flips
      const x = px + Math.sign(px) * shift;
      const y = py + Math.sign(py) * shift;
      points.push([x, y, x * y > 0 ? 1 : 0]);
    }
  } else {
    throw new RangeError(`makeDataset: name: expected 'spirals', 'circle' or 'xor', got ${JSON.stringify(name)}`);
  }
  const n = points.length;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  points.forEach(([px, py, label], i) => {
    x[2 * i] = px;
    x[2 * i + 1] = py;
    y[i] = label;
  });
  return { x, y, n };
}
