// The matmul family: the three products of backpropagation, vectorised along the
// contiguous inputs dimension k with 128-bit SIMD, scalar tails for k % 4.
// Pointers are byte addresses in linear memory; sizes are element counts.

/** Horizontal sum in the order the JS reference uses: (l0 + l1) + (l2 + l3). */
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** a·b + c. The relaxed-SIMD build turns it into one fused multiply-add. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
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
        a0 = madd(xv, v128.load(w0 + o), a0);
        a1 = madd(xv, v128.load(w1 + o), a1);
        a2 = madd(xv, v128.load(w2 + o), a2);
        a3 = madd(xv, v128.load(w3 + o), a3);
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
        acc = madd(v128.load(xRow + o), v128.load(wRow + o), acc);
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

/**
 * dw = scale·Δᵀ·x: dw[j,k] = Σ_n (scale·δ[n,j])·x[n,k], the outer products δ·xᵀ of the
 * batch summed; db[j] = Σ_n scale·δ[n,j]. Register-blocked: a tile of 4 units × 8 inputs
 * stays in eight accumulators while n runs over the batch, so dw is written once, never
 * re-read; each step loads two x vectors and one vector of 4 deltas for 8 multiply-adds.
 */
export function weightGradients(delta: usize, x: usize, dw: usize, db: usize, batch: i32, inputs: i32, units: i32, scale: f32, hasBias: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const u4 = units & ~3;
  const k8 = inputs & ~7;
  const k4 = inputs & ~3;
  const sv = f32x4.splat(scale);
  let j = 0;
  for (; j < u4; j += 4) {
    const dj = delta + (<usize>j << 2);
    const dw0 = dw + <usize>j * rowBytes;
    let k = 0;
    for (; k < k8; k += 8) {
      const o = <usize>k << 2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let n = 0; n < batch; n++) {
        const xr = x + <usize>n * rowBytes + o;
        const x0 = v128.load(xr);
        const x1 = v128.load(xr, 16);
        const d = f32x4.mul(v128.load(dj + <usize>n * deltaRow), sv);
        const d0 = i32x4.shuffle(d, d, 0, 0, 0, 0);
        const d1 = i32x4.shuffle(d, d, 1, 1, 1, 1);
        const d2 = i32x4.shuffle(d, d, 2, 2, 2, 2);
        const d3 = i32x4.shuffle(d, d, 3, 3, 3, 3);
        c00 = madd(d0, x0, c00); c01 = madd(d0, x1, c01);
        c10 = madd(d1, x0, c10); c11 = madd(d1, x1, c11);
        c20 = madd(d2, x0, c20); c21 = madd(d2, x1, c21);
        c30 = madd(d3, x0, c30); c31 = madd(d3, x1, c31);
      }
      const r0 = dw0 + o;
      v128.store(r0, c00); v128.store(r0, c01, 16);
      v128.store(r0 + rowBytes, c10); v128.store(r0 + rowBytes, c11, 16);
      v128.store(r0 + 2 * rowBytes, c20); v128.store(r0 + 2 * rowBytes, c21, 16);
      v128.store(r0 + 3 * rowBytes, c30); v128.store(r0 + 3 * rowBytes, c31, 16);
    }
    // inputs % 8: one more vector of 4 if there is one, then single columns
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let n = 0; n < batch; n++) {
        const xr = x + <usize>n * rowBytes + o;
        const xv = wide ? v128.load(xr) : f32x4.splat(load<f32>(xr));
        const d = f32x4.mul(v128.load(dj + <usize>n * deltaRow), sv);
        c0 = madd(i32x4.shuffle(d, d, 0, 0, 0, 0), xv, c0);
        c1 = madd(i32x4.shuffle(d, d, 1, 1, 1, 1), xv, c1);
        c2 = madd(i32x4.shuffle(d, d, 2, 2, 2, 2), xv, c2);
        c3 = madd(i32x4.shuffle(d, d, 3, 3, 3, 3), xv, c3);
      }
      const r0 = dw0 + o;
      if (wide) {
        v128.store(r0, c0); v128.store(r0 + rowBytes, c1); v128.store(r0 + 2 * rowBytes, c2); v128.store(r0 + 3 * rowBytes, c3);
      } else {
        store<f32>(r0, f32x4.extract_lane(c0, 0)); store<f32>(r0 + rowBytes, f32x4.extract_lane(c1, 0));
        store<f32>(r0 + 2 * rowBytes, f32x4.extract_lane(c2, 0)); store<f32>(r0 + 3 * rowBytes, f32x4.extract_lane(c3, 0));
      }
    }
  }
  // units % 4: one unit at a time, vectorised along inputs
  for (; j < units; j++) {
    const dj = delta + (<usize>j << 2);
    const dwRow = dw + <usize>j * rowBytes;
    let k = 0;
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c = f32x4.splat(0);
      for (let n = 0; n < batch; n++) {
        const xr = x + <usize>n * rowBytes + o;
        const xv = wide ? v128.load(xr) : f32x4.splat(load<f32>(xr));
        c = madd(f32x4.splat(load<f32>(dj + <usize>n * deltaRow) * scale), xv, c);
      }
      if (wide) v128.store(dwRow + o, c);
      else store<f32>(dwRow + o, f32x4.extract_lane(c, 0));
    }
  }
  if (hasBias) {
    for (let jj = 0; jj < units; jj++) {
      const dj = delta + (<usize>jj << 2);
      let sum: f32 = 0;
      for (let n = 0; n < batch; n++) sum += load<f32>(dj + <usize>n * deltaRow) * scale;
      store<f32>(db + (<usize>jj << 2), sum);
    }
  }
}

/**
 * dx = Δ·w: dx[n,k] = Σ_j δ[n,j]·w[j,k], each input's error summed over the units it feeds.
 * Register-blocked like weightGradients: 4 samples × 8 inputs in eight accumulators while j
 * runs over the units; each step loads two w vectors and four deltas for 8 multiply-adds.
 */
export function propagateDelta(delta: usize, w: usize, dx: usize, batch: i32, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const n4 = batch & ~3;
  const k8 = inputs & ~7;
  const k4 = inputs & ~3;
  let n = 0;
  for (; n < n4; n += 4) {
    const d0r = delta + <usize>n * deltaRow;
    const dx0 = dx + <usize>n * rowBytes;
    let k = 0;
    for (; k < k8; k += 8) {
      const o = <usize>k << 2;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      for (let j = 0; j < units; j++) {
        const wr = w + <usize>j * rowBytes + o;
        const w0 = v128.load(wr);
        const w1 = v128.load(wr, 16);
        const dj = d0r + (<usize>j << 2);
        const d0 = f32x4.splat(load<f32>(dj));
        const d1 = f32x4.splat(load<f32>(dj + deltaRow));
        const d2 = f32x4.splat(load<f32>(dj + 2 * deltaRow));
        const d3 = f32x4.splat(load<f32>(dj + 3 * deltaRow));
        c00 = madd(d0, w0, c00); c01 = madd(d0, w1, c01);
        c10 = madd(d1, w0, c10); c11 = madd(d1, w1, c11);
        c20 = madd(d2, w0, c20); c21 = madd(d2, w1, c21);
        c30 = madd(d3, w0, c30); c31 = madd(d3, w1, c31);
      }
      const r0 = dx0 + o;
      v128.store(r0, c00); v128.store(r0, c01, 16);
      v128.store(r0 + rowBytes, c10); v128.store(r0 + rowBytes, c11, 16);
      v128.store(r0 + 2 * rowBytes, c20); v128.store(r0 + 2 * rowBytes, c21, 16);
      v128.store(r0 + 3 * rowBytes, c30); v128.store(r0 + 3 * rowBytes, c31, 16);
    }
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let j = 0; j < units; j++) {
        const wr = w + <usize>j * rowBytes + o;
        const wv = wide ? v128.load(wr) : f32x4.splat(load<f32>(wr));
        const dj = d0r + (<usize>j << 2);
        c0 = madd(f32x4.splat(load<f32>(dj)), wv, c0);
        c1 = madd(f32x4.splat(load<f32>(dj + deltaRow)), wv, c1);
        c2 = madd(f32x4.splat(load<f32>(dj + 2 * deltaRow)), wv, c2);
        c3 = madd(f32x4.splat(load<f32>(dj + 3 * deltaRow)), wv, c3);
      }
      const r0 = dx0 + o;
      if (wide) {
        v128.store(r0, c0); v128.store(r0 + rowBytes, c1); v128.store(r0 + 2 * rowBytes, c2); v128.store(r0 + 3 * rowBytes, c3);
      } else {
        store<f32>(r0, f32x4.extract_lane(c0, 0)); store<f32>(r0 + rowBytes, f32x4.extract_lane(c1, 0));
        store<f32>(r0 + 2 * rowBytes, f32x4.extract_lane(c2, 0)); store<f32>(r0 + 3 * rowBytes, f32x4.extract_lane(c3, 0));
      }
    }
  }
  // batch % 4 (and batch 1, online training): one sample, 16 inputs per pass streaming w once
  for (; n < batch; n++) {
    const dRow = delta + <usize>n * deltaRow;
    const dxRow = dx + <usize>n * rowBytes;
    const k16 = inputs & ~15;
    let k = 0;
    for (; k < k16; k += 16) {
      const o = <usize>k << 2;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let j = 0; j < units; j++) {
        const wr = w + <usize>j * rowBytes + o;
        const d = f32x4.splat(load<f32>(dRow + (<usize>j << 2)));
        c0 = madd(d, v128.load(wr), c0);
        c1 = madd(d, v128.load(wr, 16), c1);
        c2 = madd(d, v128.load(wr, 32), c2);
        c3 = madd(d, v128.load(wr, 48), c3);
      }
      const r = dxRow + o;
      v128.store(r, c0); v128.store(r, c1, 16); v128.store(r, c2, 32); v128.store(r, c3, 48);
    }
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c = f32x4.splat(0);
      for (let j = 0; j < units; j++) {
        const wr = w + <usize>j * rowBytes + o;
        c = madd(f32x4.splat(load<f32>(dRow + (<usize>j << 2))), wide ? v128.load(wr) : f32x4.splat(load<f32>(wr)), c);
      }
      if (wide) v128.store(dxRow + o, c);
      else store<f32>(dxRow + o, f32x4.extract_lane(c, 0));
    }
  }
}
