// The matmul family: the three products of backpropagation, vectorised along the
// contiguous inputs dimension k with 128-bit SIMD, scalar tails for k % 4.
// Pointers are byte addresses in linear memory; sizes are element counts.

/** Horizontal sum in the order the JS reference uses: (l0 + l1) + (l2 + l3). */
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * z = x·wᵀ + b. Each output is the dot product of an x row with a w row (W is stored
 * units × inputs, so both are contiguous in k). Four units at a time share each x load.
 */
export function forward(x: usize, w: usize, b: usize, z: usize, batch: i32, inputs: i32, units: i32, hasBias: i32): void {
  const k4 = inputs & ~3;
  const rowBytes = <usize>inputs << 2;
  const u4 = units & ~3;
  for (let n = 0; n < batch; n++) {
    const xRow = x + <usize>n * rowBytes;
    const zRow = z + (<usize>(n * units) << 2);
    let j = 0;
    for (; j < u4; j += 4) {
      const w0 = w + <usize>j * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let k = 0;
      for (; k < k4; k += 4) {
        const o = <usize>k << 2;
        const xv = v128.load(xRow + o);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(w0 + o)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(w1 + o)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(w2 + o)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(w3 + o)));
      }
      let s0 = hsum(a0);
      let s1 = hsum(a1);
      let s2 = hsum(a2);
      let s3 = hsum(a3);
      for (; k < inputs; k++) {
        const o = <usize>k << 2;
        const xk = load<f32>(xRow + o);
        s0 += xk * load<f32>(w0 + o);
        s1 += xk * load<f32>(w1 + o);
        s2 += xk * load<f32>(w2 + o);
        s3 += xk * load<f32>(w3 + o);
      }
      if (hasBias) {
        const bj = b + (<usize>j << 2);
        s0 += load<f32>(bj);
        s1 += load<f32>(bj, 4);
        s2 += load<f32>(bj, 8);
        s3 += load<f32>(bj, 12);
      }
      const zj = zRow + (<usize>j << 2);
      store<f32>(zj, s0);
      store<f32>(zj, s1, 4);
      store<f32>(zj, s2, 8);
      store<f32>(zj, s3, 12);
    }
    for (; j < units; j++) {
      const wRow = w + <usize>j * rowBytes;
      let acc = f32x4.splat(0);
      let k = 0;
      for (; k < k4; k += 4) {
        const o = <usize>k << 2;
        acc = f32x4.add(acc, f32x4.mul(v128.load(xRow + o), v128.load(wRow + o)));
      }
      let s = hsum(acc);
      for (; k < inputs; k++) {
        const o = <usize>k << 2;
        s += load<f32>(xRow + o) * load<f32>(wRow + o);
      }
      if (hasBias) s += load<f32>(b + (<usize>j << 2));
      store<f32>(zRow + (<usize>j << 2), s);
    }
  }
}

/** row[k] = d·x[k] (first) or row[k] += d·x[k] (accumulate), over `count` floats. */
@inline function axpy(row: usize, xs: usize, d: f32, count: i32, accumulate: bool): void {
  const c4 = count & ~3;
  const dv = f32x4.splat(d);
  let k = 0;
  if (accumulate) {
    for (; k < c4; k += 4) {
      const o = <usize>k << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), f32x4.mul(dv, v128.load(xs + o))));
    }
    for (; k < count; k++) {
      const o = <usize>k << 2;
      store<f32>(row + o, load<f32>(row + o) + d * load<f32>(xs + o));
    }
  } else {
    for (; k < c4; k += 4) {
      const o = <usize>k << 2;
      v128.store(row + o, f32x4.mul(dv, v128.load(xs + o)));
    }
    for (; k < count; k++) {
      const o = <usize>k << 2;
      store<f32>(row + o, d * load<f32>(xs + o));
    }
  }
}

/**
 * dw = scale·Δᵀ·x: for each unit j, the sum over samples of δ[n,j]·x[n,:] (one outer
 * product δ·xᵀ per sample), and db[j] = scale·Σ_n δ[n,j]. The first sample writes, the
 * rest accumulate, so no zeroing pass is needed.
 */
export function weightGradients(delta: usize, x: usize, dw: usize, db: usize, batch: i32, inputs: i32, units: i32, scale: f32, hasBias: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  for (let j = 0; j < units; j++) {
    const dwRow = dw + <usize>j * rowBytes;
    const dj = delta + (<usize>j << 2);
    let d = load<f32>(dj) * scale;
    axpy(dwRow, x, d, inputs, false);
    let dbSum = d;
    for (let n = 1; n < batch; n++) {
      d = load<f32>(dj + <usize>n * deltaRow) * scale;
      axpy(dwRow, x + <usize>n * rowBytes, d, inputs, true);
      dbSum += d;
    }
    if (hasBias) store<f32>(db + (<usize>j << 2), dbSum);
  }
}

/** dx = Δ·w: each input's error is the sum over the units it feeds of δ·weight. */
export function propagateDelta(delta: usize, w: usize, dx: usize, batch: i32, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  for (let n = 0; n < batch; n++) {
    const dxRow = dx + <usize>n * rowBytes;
    const dRow = delta + <usize>n * deltaRow;
    axpy(dxRow, w, load<f32>(dRow), inputs, false);
    for (let j = 1; j < units; j++) {
      axpy(dxRow, w + <usize>j * rowBytes, load<f32>(dRow + (<usize>j << 2)), inputs, true);
    }
  }
}
