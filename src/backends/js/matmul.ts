// The matmul family in plain TypeScript: the reference the Wasm kernels are tested against.
// m is the arena; every other pointer is a float offset into it (see src/kernels.ts).
//
// Each product is the Wasm kernel's: the same terms, and the batch average's scale applied
// where it applies it. Sums run in float64 (JS locals) and are rounded to float32 once, when
// stored; with 29 bits more than float32, the grouping of the partial sums changes a stored
// value rarely and then by one float32 rounding, far inside the 1e-5 parity with Wasm's float32
// lanes, so the groupings below are chosen for speed. What makes scalar V8 code fast here: one
// Float32Array and precomputed offsets in every hot loop, register tiles (several outputs
// sharing each load) with the accumulators in locals, no allocation and no closures.

// The products take the Wasm kernels' packing buffer `pack` and ignore it: scalar code gains nothing from a copy.

/** z = x·wᵀ + b. Each output is the dot product of a row of x with a row of w. */
export function forward(
  m: Float32Array, x: number, w: number, b: number, z: number, _pack: number,
  batch: number, inputs: number, units: number, hasBias: number,
): void {
  let n = 0;
  for (; n + 4 <= batch; n += 4) forwardFourRows(m, x + n * inputs, w, b, z + n * units, inputs, units, hasBias);
  for (; n < batch; n++) forwardOneRow(m, x + n * inputs, w, b, z + n * units, inputs, units, hasBias);
}

/**
 * Four samples against three units at a time: twelve sums in locals, each w load feeding four
 * products and each x load three (the most V8 keeps in registers without spilling).
 */
function forwardFourRows(
  m: Float32Array, x: number, w: number, b: number, z: number, inputs: number, units: number, hasBias: number,
): void {
  const x1 = x + inputs, x2 = x1 + inputs, x3 = x2 + inputs;
  const z1 = z + units, z2 = z1 + units, z3 = z2 + units;
  let j = 0;
  for (; j + 3 <= units; j += 3) {
    const wa = w + j * inputs, wb = wa + inputs, wc = wb + inputs;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
    for (let k = 0; k < inputs; k++) {
      const x0k = m[x + k], x1k = m[x1 + k], x2k = m[x2 + k], x3k = m[x3 + k];
      let wk = m[wa + k];
      a0 += x0k * wk; a1 += x1k * wk; a2 += x2k * wk; a3 += x3k * wk;
      wk = m[wb + k];
      c0 += x0k * wk; c1 += x1k * wk; c2 += x2k * wk; c3 += x3k * wk;
      wk = m[wc + k];
      e0 += x0k * wk; e1 += x1k * wk; e2 += x2k * wk; e3 += x3k * wk;
    }
    const ba = hasBias ? m[b + j] : 0, bb = hasBias ? m[b + j + 1] : 0, bc = hasBias ? m[b + j + 2] : 0;
    m[z + j] = a0 + ba; m[z1 + j] = a1 + ba; m[z2 + j] = a2 + ba; m[z3 + j] = a3 + ba;
    m[z + j + 1] = c0 + bb; m[z1 + j + 1] = c1 + bb; m[z2 + j + 1] = c2 + bb; m[z3 + j + 1] = c3 + bb;
    m[z + j + 2] = e0 + bc; m[z1 + j + 2] = e1 + bc; m[z2 + j + 2] = e2 + bc; m[z3 + j + 2] = e3 + bc;
  }
  for (; j < units; j++) {
    const wa = w + j * inputs;
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let k = 0; k < inputs; k++) {
      const wak = m[wa + k];
      a0 += m[x + k] * wak; a1 += m[x1 + k] * wak; a2 += m[x2 + k] * wak; a3 += m[x3 + k] * wak;
    }
    const ba = hasBias ? m[b + j] : 0;
    m[z + j] = a0 + ba; m[z1 + j] = a1 + ba; m[z2 + j] = a2 + ba; m[z3 + j] = a3 + ba;
  }
}

/** One sample (online training): four units at a time, so each x load feeds four dot products. */
function forwardOneRow(
  m: Float32Array, x: number, w: number, b: number, z: number, inputs: number, units: number, hasBias: number,
): void {
  const k2 = inputs & ~1;
  let j = 0;
  for (; j + 4 <= units; j += 4) {
    const w0 = w + j * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let k = 0;
    for (; k < k2; k += 2) {
      const xk = m[x + k], xl = m[x + k + 1];
      s0 += xk * m[w0 + k] + xl * m[w0 + k + 1];
      s1 += xk * m[w1 + k] + xl * m[w1 + k + 1];
      s2 += xk * m[w2 + k] + xl * m[w2 + k + 1];
      s3 += xk * m[w3 + k] + xl * m[w3 + k + 1];
    }
    if (k < inputs) {
      const xk = m[x + k];
      s0 += xk * m[w0 + k]; s1 += xk * m[w1 + k]; s2 += xk * m[w2 + k]; s3 += xk * m[w3 + k];
    }
    if (hasBias) {
      s0 += m[b + j]; s1 += m[b + j + 1]; s2 += m[b + j + 2]; s3 += m[b + j + 3];
    }
    m[z + j] = s0; m[z + j + 1] = s1; m[z + j + 2] = s2; m[z + j + 3] = s3;
  }
  for (; j < units; j++) {
    const wj = w + j * inputs;
    let s = 0;
    for (let k = 0; k < inputs; k++) s += m[x + k] * m[wj + k];
    m[z + j] = hasBias ? s + m[b + j] : s;
  }
}

/** dw = scale·Δᵀ·x (the outer products δ·xᵀ summed over the batch), db = scale·ΣΔ. */
export function weightGradients(
  m: Float32Array, delta: number, x: number, dw: number, db: number, _pack: number,
  batch: number, inputs: number, units: number, scale: number, hasBias: number,
): void {
  if (batch === 1) outerProduct(m, delta, x, dw, inputs, units, scale);
  else outerProductSum(m, delta, x, dw, batch, inputs, units, scale);
  if (hasBias) {
    for (let j = 0; j < units; j++) {
      let sum = 0;
      for (let n = 0, d = delta + j; n < batch; n++, d += units) sum += m[d];
      m[db + j] = sum * scale;
    }
  }
}

/** One sample: dw row j = (scale·δ_j)·x, written once; four rows at a time share each x load. */
function outerProduct(m: Float32Array, delta: number, x: number, dw: number, inputs: number, units: number, scale: number): void {
  let j = 0;
  for (; j + 4 <= units; j += 4) {
    const r0 = dw + j * inputs, r1 = r0 + inputs, r2 = r1 + inputs, r3 = r2 + inputs;
    const d0 = m[delta + j] * scale, d1 = m[delta + j + 1] * scale;
    const d2 = m[delta + j + 2] * scale, d3 = m[delta + j + 3] * scale;
    for (let k = 0; k < inputs; k++) {
      const xk = m[x + k];
      m[r0 + k] = d0 * xk;
      m[r1 + k] = d1 * xk;
      m[r2 + k] = d2 * xk;
      m[r3 + k] = d3 * xk;
    }
  }
  for (; j < units; j++) scaledCopy(m, m[delta + j] * scale, x, dw + j * inputs, inputs);
}

/** to[k] = factor·from[k] for k < count, four at a time. */
function scaledCopy(m: Float32Array, factor: number, from: number, to: number, count: number): void {
  const k4 = count & ~3;
  let k = 0;
  for (; k < k4; k += 4) {
    m[to + k] = factor * m[from + k];
    m[to + k + 1] = factor * m[from + k + 1];
    m[to + k + 2] = factor * m[from + k + 2];
    m[to + k + 3] = factor * m[from + k + 3];
  }
  for (; k < count; k++) m[to + k] = factor * m[from + k];
}

/** to[k] += factor·from[k] for k < count (an axpy), four at a time. */
function scaledAdd(m: Float32Array, factor: number, from: number, to: number, count: number): void {
  const k4 = count & ~3;
  let k = 0;
  for (; k < k4; k += 4) {
    m[to + k] += factor * m[from + k];
    m[to + k + 1] += factor * m[from + k + 1];
    m[to + k + 2] += factor * m[from + k + 2];
    m[to + k + 3] += factor * m[from + k + 3];
  }
  for (; k < count; k++) m[to + k] += factor * m[from + k];
}

/**
 * A batch: a tile of 3 units × 4 inputs of dw stays in twelve locals while n runs over the
 * batch, so dw is written once, never re-read, and scaled as it is stored (the Wasm order).
 */
function outerProductSum(
  m: Float32Array, delta: number, x: number, dw: number, batch: number, inputs: number, units: number, scale: number,
): void {
  const k4 = inputs & ~3;
  let j = 0;
  for (; j + 3 <= units; j += 3) {
    const ra = dw + j * inputs, rb = ra + inputs, rc = rb + inputs, dj = delta + j;
    let k = 0;
    for (; k < k4; k += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0, e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      for (let n = 0, xr = x + k, dn = dj; n < batch; n++, xr += inputs, dn += units) {
        const x0 = m[xr], x1 = m[xr + 1], x2 = m[xr + 2], x3 = m[xr + 3];
        let d = m[dn];
        a0 += d * x0; a1 += d * x1; a2 += d * x2; a3 += d * x3;
        d = m[dn + 1];
        c0 += d * x0; c1 += d * x1; c2 += d * x2; c3 += d * x3;
        d = m[dn + 2];
        e0 += d * x0; e1 += d * x1; e2 += d * x2; e3 += d * x3;
      }
      m[ra + k] = a0 * scale; m[ra + k + 1] = a1 * scale; m[ra + k + 2] = a2 * scale; m[ra + k + 3] = a3 * scale;
      m[rb + k] = c0 * scale; m[rb + k + 1] = c1 * scale; m[rb + k + 2] = c2 * scale; m[rb + k + 3] = c3 * scale;
      m[rc + k] = e0 * scale; m[rc + k + 1] = e1 * scale; m[rc + k + 2] = e2 * scale; m[rc + k + 3] = e3 * scale;
    }
    for (; k < inputs; k++) {
      let a = 0, c = 0, e = 0;
      for (let n = 0, xr = x + k, dn = dj; n < batch; n++, xr += inputs, dn += units) {
        const xk = m[xr];
        a += m[dn] * xk;
        c += m[dn + 1] * xk;
        e += m[dn + 2] * xk;
      }
      m[ra + k] = a * scale;
      m[rb + k] = c * scale;
      m[rc + k] = e * scale;
    }
  }
  for (; j < units; j++) {
    const ra = dw + j * inputs, dj = delta + j;
    let k = 0;
    for (; k < k4; k += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let n = 0, xr = x + k, dn = dj; n < batch; n++, xr += inputs, dn += units) {
        const d = m[dn];
        a0 += d * m[xr]; a1 += d * m[xr + 1]; a2 += d * m[xr + 2]; a3 += d * m[xr + 3];
      }
      m[ra + k] = a0 * scale; m[ra + k + 1] = a1 * scale; m[ra + k + 2] = a2 * scale; m[ra + k + 3] = a3 * scale;
    }
    for (; k < inputs; k++) {
      let a = 0;
      for (let n = 0, xr = x + k, dn = dj; n < batch; n++, xr += inputs, dn += units) a += m[dn] * m[xr];
      m[ra + k] = a * scale;
    }
  }
}

/** dx = Δ·w: each input's error is the weighted sum of the errors of the units it feeds. */
export function propagateDelta(
  m: Float32Array, delta: number, w: number, dx: number, _pack: number,
  batch: number, inputs: number, units: number,
): void {
  let n = 0;
  for (; n + 4 <= batch; n += 4) propagateFourRows(m, delta + n * units, w, dx + n * inputs, inputs, units);
  for (; n < batch; n++) propagateOneRow(m, delta + n * units, w, dx + n * inputs, inputs, units);
}

/** Four samples × 2 inputs in eight locals while j runs over the units: each w load feeds four products. */
function propagateFourRows(m: Float32Array, delta: number, w: number, dx: number, inputs: number, units: number): void {
  const d1 = delta + units, d2 = d1 + units, d3 = d2 + units;
  const x1 = dx + inputs, x2 = x1 + inputs, x3 = x2 + inputs;
  const k2 = inputs & ~1;
  let k = 0;
  for (; k < k2; k += 2) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
    for (let j = 0, wr = w + k; j < units; j++, wr += inputs) {
      const w0 = m[wr], w1 = m[wr + 1];
      const e0 = m[delta + j], e1 = m[d1 + j], e2 = m[d2 + j], e3 = m[d3 + j];
      a0 += e0 * w0; a1 += e1 * w0; a2 += e2 * w0; a3 += e3 * w0;
      c0 += e0 * w1; c1 += e1 * w1; c2 += e2 * w1; c3 += e3 * w1;
    }
    m[dx + k] = a0; m[x1 + k] = a1; m[x2 + k] = a2; m[x3 + k] = a3;
    m[dx + k + 1] = c0; m[x1 + k + 1] = c1; m[x2 + k + 1] = c2; m[x3 + k + 1] = c3;
  }
  if (k < inputs) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (let j = 0, wr = w + k; j < units; j++, wr += inputs) {
      const w0 = m[wr];
      a0 += m[delta + j] * w0; a1 += m[d1 + j] * w0; a2 += m[d2 + j] * w0; a3 += m[d3 + j] * w0;
    }
    m[dx + k] = a0; m[x1 + k] = a1; m[x2 + k] = a2; m[x3 + k] = a3;
  }
}

/** One sample: dx = δ_0·w_0, then += δ_j·w_j, streaming w once in memory order. */
function propagateOneRow(m: Float32Array, delta: number, w: number, dx: number, inputs: number, units: number): void {
  scaledCopy(m, m[delta], w, dx, inputs);
  for (let j = 1, wr = w + inputs; j < units; j++, wr += inputs) scaledAdd(m, m[delta + j], wr, dx, inputs);
}
