// The matmul family: the three products of backpropagation, vectorised along the
// contiguous inputs dimension k with 128-bit SIMD, scalar tails for k % 4.
// Pointers arrive as float offsets and become byte addresses (byteAddress); sizes are element counts.
//
// Sums run in float32 lanes in the order below. The JS reference (src/backends/js/matmul.ts)
// sums the same products in float64 with its own grouping, so the two agree within the parity
// tolerance, not bit for bit; the relaxed-SIMD build's fused multiply-adds differ again.
import { byteAddress } from './pointers';
import { biasAt, finishDot, madd } from './simd';
import { propagateDeltaPacked, tile, weightGradientsPacked } from './packed';
import { propagateDeltaRows, weightGradientsRows } from './rows';
import { countNonzero, countNonzeroGroups } from './density';
import { PANEL_FLOATS } from './pack-layout';

// Every product takes `pack`: PACK_FLOATS floats of scratch (src/kernels.ts), or 0 for none.
// With it, a wide enough layer runs the cache-blocked form (assembly/packed.ts); small and
// skinny shapes run the direct loops below, which need no copy. Both give the same bits.
// Where they pay, measured on an Intel Xeon (bench/RESULTS.md): dw and dx from a 256 × 256 layer
// on (the direct loops read strided columns), z from 2^18 weights (1 MB, half of L2: above it
// every sample pair streamed w from L3; 784 → 1024 ran at 27 GFLOP/s unblocked, 44 blocked, relaxed
// SIMD; no shape measured slower). src/kernels.ts PACKED_LAYER is the least.
/** Weights (inputs × units) from which dw and dx are blocked. */
const PACKED_MIN = 1 << 16;
/** Weights from which z is blocked. */
const FORWARD_PACKED_MIN = 1 << 18;
/** Floats of w per forward block: 512 KB, a quarter of L2. */
const FORWARD_BLOCK_FLOATS = 1 << 17;
/** Units from which z lists a sample pair's non-zero input groups: the list is scanned once for them all. */
const LISTED_UNITS = 32;
/** Pairs in a row whose inputs are too dense to list after which z stops looking (a dense layer pays for these scans only). */
const DENSE_PAIRS = 4;
/** Samples from which they pay: below, a packed panel is reused too little. */
const PACKED_MIN_BATCH = 4;

/**
 * With fused multiply-adds the direct dx loop keeps up with the packed one while w fits half of L2, and
 * beats it below 64 samples, where a packed panel of w is reused by too few tiles to repay its copy
 * (16 × 512 → 512: 39 GFLOP/s direct, 32 packed). Plain SIMD's direct loop is slower: it keeps packing.
 */
@inline function directDx(batch: i32, weights: i32): bool {
  return ASC_FEATURE_RELAXED_SIMD && batch < 64 && weights <= FORWARD_PACKED_MIN;
}

/**
 * Whether a blocked dw or dx pays for summing over lists of its non-zero deltas (assembly/rows.ts)
 * rather than running the 4 × 8 tiles (assembly/packed.ts), given how many of the rows × cols deltas
 * are non-zero and what share of its work the tiles would do: all of it, or for dw on sparse inputs
 * the share of x's strip rows they keep. The lists' time measured on an Intel Xeon, as a share of the
 * dense tiles', on a wide network's own deltas (784 and 1024 → 1024 at batch 128, relaxed SIMD, shares
 * 0.35–1.0): ≈ 0.34 + 0.75·(share of non-zero deltas), lists and packing the fixed part. One model for
 * both builds: plain SIMD's lists did relatively better (random zeros: ≈ 0.1 + 0.95·share against
 * relaxed's 0.12 + 1.07·share), so there it errs toward the tiles.
 */
@inline function deltaListsPay(delta: usize, rows: i32, rowBytes: usize, cols: i32, tilesPer100: i64): bool {
  const all = <i64>rows * cols;
  return all > 0 && 34 * all + 75 * <i64>countNonzero(delta, rows, rowBytes, cols) < tilesPer100 * all;
}

@inline function packs(pack: usize, batch: i32, weights: i32, least: i32): bool {
  return pack != 0 && batch >= PACKED_MIN_BATCH && weights >= least;
}

/**
 * z = x·wᵀ + b. Each output is the dot product of an x row with a w row (W is stored
 * units × inputs, so both run along k). Eight independent accumulators per pass keep both
 * SIMD units busy even with fused multiply-adds: 2 samples × 4 units, and for a lone sample
 * (online training) 1 × 8 units.
 */
export function forward(x: usize, w: usize, b: usize, z: usize, pack: usize, batch: i32, inputs: i32, units: i32, hasBias: i32): void {
  forwardUnits(x, w, b, z, pack, batch, inputs, units, hasBias, 0, units);
}

/** forward for units [from, to) of every sample: how threads share the work, each reading part of w. */
export function forwardUnits(x: usize, w: usize, b: usize, z: usize, pack: usize, batch: i32, inputs: i32, units: i32, hasBias: i32, from: i32, to: i32): void {
  x = byteAddress(x); w = byteAddress(w); b = byteAddress(b); z = byteAddress(z);
  const rowBytes = <usize>inputs << 2;
  const zRowBytes = <usize>units << 2;
  // Once w outgrows L2, blocks of units whose rows fit it are swept by every sample pair in
  // turn (w's rows are already contiguous along the summed inputs: no packing); else one block.
  const block = packs(pack, batch, inputs * units, FORWARD_PACKED_MIN) ? max(8, FORWARD_BLOCK_FLOATS / inputs) & ~7 : to - from;
  const pairs = batch & ~1;
  const groups = inputs >> 2;
  // Each sample pair sums only the 4-input groups where one of the two is non-zero (nonzeroGroups),
  // listed in the packing buffer (z packs nothing else): every pair's list, made in the first block
  // and kept for the others, when they all fit, else one pair's at a time. A pair that would skip
  // less than 1 in 8 sweeps every group unlisted, the faster loop there, as does a block of too few
  // units to repay the scan.
  const list = pack != 0 && groups < PANEL_FLOATS ? byteAddress(pack) : 0;
  const stride = <usize>(groups + 1) << 2;
  const kept = (pairs >> 1) * (groups + 1) <= PANEL_FLOATS;
  // Dense inputs stop the scans after DENSE_PAIRS pairs in a row found too little to skip.
  let scanning = true;
  let denseRun = 0;
  for (let j0 = from; j0 < to; j0 += block) {
    const j1 = min(to, j0 + block);
    const scan = list != 0 && j1 - j0 >= LISTED_UNITS;
    for (let m = 0; m < pairs; m += 2) {
      const xa = x + <usize>m * rowBytes;
      // [count, offsets…] of this pair
      const at = kept ? list + <usize>(m >> 1) * stride : list;
      if (scan && (!kept || j0 == from)) {
        const found = scanning ? nonzeroGroups(xa, xa + rowBytes, groups, at + 4) : groups;
        store<i32>(at, found);
        denseRun = found * 8 > groups * 7 ? denseRun + 1 : 0;
        if (denseRun >= DENSE_PAIRS) scanning = false;
      }
      const count = scan ? load<i32>(at) : groups;
      // two inlined copies, so the dense sweep does not test for a list at every step
      if (count * 8 <= groups * 7) forwardTwoRows(xa, w, b, z + <usize>m * zRowBytes, inputs, units, hasBias, j0, j1, true, at + 4, count);
      else forwardTwoRows(xa, w, b, z + <usize>m * zRowBytes, inputs, units, hasBias, j0, j1, false, 0, groups);
    }
  }
  const n = pairs;
  if (n < batch) forwardOneRow(x + <usize>n * rowBytes, w, b, z + <usize>n * zRowBytes, inputs, hasBias, from, to);
}

/**
 * The byte offsets of the 4-input groups in which either of two samples has a non-zero input, written
 * to list; returns how many. A group where both are zero adds only zeros to every sum (the weights
 * are finite), so the products may skip it and still give the same bits: sparse inputs such as
 * MNIST's empty margins (a third of a batch's pixel columns are all zero) cost nothing.
 */
function nonzeroGroups(xa: usize, xb: usize, groups: i32, list: usize): i32 {
  let count = 0;
  for (let g = 0; g < groups; g++) {
    const o = <usize>g << 4;
    store<u32>(list + (<usize>count << 2), <u32>o);
    count += i32(v128.any_true(v128.or(v128.load(xa + o), v128.load(xb + o))));
  }
  return count;
}

@inline function forwardTwoRows(
  xa: usize, w: usize, b: usize, za: usize, inputs: i32, units: i32, hasBias: i32, from: i32, to: i32, listed: bool, list: usize, count: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const xb = xa + rowBytes;
  const zb = za + (<usize>units << 2);
  const k4 = inputs & ~3;
  // listed: i runs over the list's count of byte offsets; else k runs over the inputs, 4 at a time
  const end = listed ? count : k4;
  const step = listed ? 1 : 4;
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const w0 = w + <usize>j * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    for (let i = 0; i < end; i += step) {
      const o = listed ? <usize>load<u32>(list + (<usize>i << 2)) : <usize>i << 2;
      const xav = v128.load(xa + o);
      const xbv = v128.load(xb + o);
      const wv0 = v128.load(w0 + o);
      const wv1 = v128.load(w1 + o);
      const wv2 = v128.load(w2 + o);
      const wv3 = v128.load(w3 + o);
      a0 = madd(xav, wv0, a0); b0 = madd(xbv, wv0, b0);
      a1 = madd(xav, wv1, a1); b1 = madd(xbv, wv1, b1);
      a2 = madd(xav, wv2, a2); b2 = madd(xbv, wv2, b2);
      a3 = madd(xav, wv3, a3); b3 = madd(xbv, wv3, b3);
    }
    const zj = <usize>j << 2;
    store<f32>(za + zj, finishDot(a0, xa, w0, k4, inputs, biasAt(b, j, hasBias)));
    store<f32>(za + zj, finishDot(a1, xa, w1, k4, inputs, biasAt(b, j + 1, hasBias)), 4);
    store<f32>(za + zj, finishDot(a2, xa, w2, k4, inputs, biasAt(b, j + 2, hasBias)), 8);
    store<f32>(za + zj, finishDot(a3, xa, w3, k4, inputs, biasAt(b, j + 3, hasBias)), 12);
    store<f32>(zb + zj, finishDot(b0, xb, w0, k4, inputs, biasAt(b, j, hasBias)));
    store<f32>(zb + zj, finishDot(b1, xb, w1, k4, inputs, biasAt(b, j + 1, hasBias)), 4);
    store<f32>(zb + zj, finishDot(b2, xb, w2, k4, inputs, biasAt(b, j + 2, hasBias)), 8);
    store<f32>(zb + zj, finishDot(b3, xb, w3, k4, inputs, biasAt(b, j + 3, hasBias)), 12);
  }
  for (; j < to; j++) {
    const wj = w + <usize>j * rowBytes;
    let a = f32x4.splat(0), c = f32x4.splat(0);
    for (let i = 0; i < end; i += step) {
      const o = listed ? <usize>load<u32>(list + (<usize>i << 2)) : <usize>i << 2;
      const wv = v128.load(wj + o);
      a = madd(v128.load(xa + o), wv, a);
      c = madd(v128.load(xb + o), wv, c);
    }
    const zj = <usize>j << 2;
    store<f32>(za + zj, finishDot(a, xa, wj, k4, inputs, biasAt(b, j, hasBias)));
    store<f32>(zb + zj, finishDot(c, xb, wj, k4, inputs, biasAt(b, j, hasBias)));
  }
}

@inline function forwardOneRow(xr: usize, w: usize, b: usize, zr: usize, inputs: i32, hasBias: i32, from: i32, to: i32): void {
  const rowBytes = <usize>inputs << 2;
  const k4 = inputs & ~3;
  let j = from;
  for (; j + 8 <= to; j += 8) {
    const w0 = w + <usize>j * rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      const xv = v128.load(xr + o);
      const wr = w0 + o;
      a0 = madd(xv, v128.load(wr), a0);
      a1 = madd(xv, v128.load(wr + rowBytes), a1);
      a2 = madd(xv, v128.load(wr + 2 * rowBytes), a2);
      a3 = madd(xv, v128.load(wr + 3 * rowBytes), a3);
      a4 = madd(xv, v128.load(wr + 4 * rowBytes), a4);
      a5 = madd(xv, v128.load(wr + 5 * rowBytes), a5);
      a6 = madd(xv, v128.load(wr + 6 * rowBytes), a6);
      a7 = madd(xv, v128.load(wr + 7 * rowBytes), a7);
    }
    const zj = zr + (<usize>j << 2);
    store<f32>(zj, finishDot(a0, xr, w0, k4, inputs, biasAt(b, j, hasBias)));
    store<f32>(zj, finishDot(a1, xr, w0 + rowBytes, k4, inputs, biasAt(b, j + 1, hasBias)), 4);
    store<f32>(zj, finishDot(a2, xr, w0 + 2 * rowBytes, k4, inputs, biasAt(b, j + 2, hasBias)), 8);
    store<f32>(zj, finishDot(a3, xr, w0 + 3 * rowBytes, k4, inputs, biasAt(b, j + 3, hasBias)), 12);
    store<f32>(zj, finishDot(a4, xr, w0 + 4 * rowBytes, k4, inputs, biasAt(b, j + 4, hasBias)), 16);
    store<f32>(zj, finishDot(a5, xr, w0 + 5 * rowBytes, k4, inputs, biasAt(b, j + 5, hasBias)), 20);
    store<f32>(zj, finishDot(a6, xr, w0 + 6 * rowBytes, k4, inputs, biasAt(b, j + 6, hasBias)), 24);
    store<f32>(zj, finishDot(a7, xr, w0 + 7 * rowBytes, k4, inputs, biasAt(b, j + 7, hasBias)), 28);
  }
  for (; j < to; j++) {
    const wj = w + <usize>j * rowBytes;
    let a = f32x4.splat(0);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      a = madd(v128.load(xr + o), v128.load(wj + o), a);
    }
    store<f32>(zr + (<usize>j << 2), finishDot(a, xr, wj, k4, inputs, biasAt(b, j, hasBias)));
  }
}

/**
 * dw = scale·Δᵀ·x: dw[j,k] = Σ_n (scale·δ[n,j])·x[n,k], the outer products δ·xᵀ of the
 * batch summed; db[j] = Σ_n scale·δ[n,j]. Register-blocked: a tile of 4 units × 8 inputs
 * stays in eight accumulators while n runs over the batch (assembly/packed.ts tile), so dw is
 * written once, never re-read; each step loads two x vectors and broadcasts 4 deltas for 8
 * multiply-adds.
 */
export function weightGradients(delta: usize, x: usize, dw: usize, db: usize, pack: usize, batch: i32, inputs: i32, units: i32, scale: f32, hasBias: i32): void {
  weightGradientsUnits(delta, x, dw, db, pack, batch, inputs, units, scale, hasBias, 0, units);
}

/** weightGradients for units [from, to) only: how threads share the work, by rows of dw. */
export function weightGradientsUnits(
  delta: usize, x: usize, dw: usize, db: usize, pack: usize, batch: i32, inputs: i32, units: i32, scale: f32, hasBias: i32, from: i32, to: i32,
): void {
  delta = byteAddress(delta); x = byteAddress(x); dw = byteAddress(dw); db = byteAddress(db);
  if (packs(pack, batch, inputs * units, PACKED_MIN)) {
    // the share of x's strip rows the tiles keep (all, unless they skip 1 in 8: see packed.ts)
    const groups = <i64>batch * ((inputs + 7) >> 3);
    const kept = <i64>countNonzeroGroups(x, batch, <usize>inputs << 2, inputs);
    const tilesPer100 = kept * 8 > groups * 7 ? 100 : kept * 100 / groups;
    if (deltaListsPay(delta + (<usize>from << 2), batch, <usize>units << 2, to - from, tilesPer100)) weightGradientsRows(delta, x, dw, byteAddress(pack), batch, inputs, units, scale, from, to);
    else weightGradientsPacked(delta, x, dw, byteAddress(pack), batch, inputs, units, scale, from, to);
    if (hasBias) biasGradients(delta, db, batch, units, scale, from, to);
    return;
  }
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const k8 = inputs & ~7;
  const k4 = inputs & ~3;
  const sv = f32x4.splat(scale);
  let j = from;
  for (; j + 4 <= to; j += 4) {
    const dj = delta + (<usize>j << 2);
    const dw0 = dw + <usize>j * rowBytes;
    let k = 0;
    // 4 units × 8 inputs at a time: x's rows and Δ's rows as they lie (the batch average's scale is
    // applied once per output, as the tile is stored)
    for (; k < k8; k += 8) {
      const o = <usize>k << 2;
      tile(x + o, rowBytes, dj, deltaRow, batch, dw0 + o, rowBytes, false, true, sv);
    }
    // inputs % 8: one more vector of 4 if there is one, then single columns
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
      for (let n = 0; n < batch; n++) {
        const xr = x + <usize>n * rowBytes + o;
        const xv = wide ? v128.load(xr) : v128.load32_splat(xr);
        const dn = dj + <usize>n * deltaRow;
        c0 = madd(v128.load32_splat(dn), xv, c0);
        c1 = madd(v128.load32_splat(dn, 4), xv, c1);
        c2 = madd(v128.load32_splat(dn, 8), xv, c2);
        c3 = madd(v128.load32_splat(dn, 12), xv, c3);
      }
      c0 = f32x4.mul(c0, sv); c1 = f32x4.mul(c1, sv); c2 = f32x4.mul(c2, sv); c3 = f32x4.mul(c3, sv);
      const r0 = dw0 + o;
      if (wide) {
        v128.store(r0, c0); v128.store(r0 + rowBytes, c1); v128.store(r0 + 2 * rowBytes, c2); v128.store(r0 + 3 * rowBytes, c3);
      } else {
        store<f32>(r0, f32x4.extract_lane(c0, 0)); store<f32>(r0 + rowBytes, f32x4.extract_lane(c1, 0));
        store<f32>(r0 + 2 * rowBytes, f32x4.extract_lane(c2, 0)); store<f32>(r0 + 3 * rowBytes, f32x4.extract_lane(c3, 0));
      }
    }
  }
  // the last units % 4: one unit at a time, vectorised along inputs
  for (; j < to; j++) {
    const dj = delta + (<usize>j << 2);
    const dwRow = dw + <usize>j * rowBytes;
    let k = 0;
    for (; k < inputs; k += k < k4 ? 4 : 1) {
      const o = <usize>k << 2;
      const wide = k < k4;
      let c = f32x4.splat(0);
      for (let n = 0; n < batch; n++) {
        const xr = x + <usize>n * rowBytes + o;
        const xv = wide ? v128.load(xr) : v128.load32_splat(xr);
        c = madd(v128.load32_splat(dj + <usize>n * deltaRow), xv, c);
      }
      c = f32x4.mul(c, sv);
      if (wide) v128.store(dwRow + o, c);
      else store<f32>(dwRow + o, f32x4.extract_lane(c, 0));
    }
  }
  if (hasBias) biasGradients(delta, db, batch, units, scale, from, to);
}

/** db[j] = scale·Σ_n δ[n,j] for units [from, to). */
function biasGradients(delta: usize, db: usize, batch: i32, units: i32, scale: f32, from: i32, to: i32): void {
  const deltaRow = <usize>units << 2;
  for (let j = from; j < to; j++) {
    const dj = delta + (<usize>j << 2);
    let sum: f32 = 0;
    for (let n = 0; n < batch; n++) sum += load<f32>(dj + <usize>n * deltaRow);
    store<f32>(db + (<usize>j << 2), sum * scale);
  }
}

/**
 * dx = Δ·w: dx[n,k] = Σ_j δ[n,j]·w[j,k], each input's error summed over the units it feeds.
 * Register-blocked like weightGradients: 4 samples × 8 inputs in eight accumulators while j
 * runs over the units; each step loads two w vectors and four deltas for 8 multiply-adds.
 */
export function propagateDelta(delta: usize, w: usize, dx: usize, pack: usize, batch: i32, inputs: i32, units: i32): void {
  delta = byteAddress(delta); w = byteAddress(w); dx = byteAddress(dx);
  if (packs(pack, batch, inputs * units, PACKED_MIN) && !directDx(batch, inputs * units)) {
    if (deltaListsPay(delta, batch, <usize>units << 2, units, 100)) propagateDeltaRows(delta, w, dx, byteAddress(pack), batch, inputs, units);
    else propagateDeltaPacked(delta, w, dx, byteAddress(pack), batch, inputs, units);
    return;
  }
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
        const d0 = v128.load32_splat(dj);
        const d1 = v128.load32_splat(dj + deltaRow);
        const d2 = v128.load32_splat(dj + 2 * deltaRow);
        const d3 = v128.load32_splat(dj + 3 * deltaRow);
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
        const wv = wide ? v128.load(wr) : v128.load32_splat(wr);
        const dj = d0r + (<usize>j << 2);
        c0 = madd(v128.load32_splat(dj), wv, c0);
        c1 = madd(v128.load32_splat(dj + deltaRow), wv, c1);
        c2 = madd(v128.load32_splat(dj + 2 * deltaRow), wv, c2);
        c3 = madd(v128.load32_splat(dj + 3 * deltaRow), wv, c3);
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
  // batch % 4 (and batch 1, online training): one sample at a time; a few units' rows of w are
  // read side by side, more are streamed in memory order (a column walk would miss the cache)
  for (; n < batch; n++) {
    if (units < AXPY_UNITS) propagateOneRowStrips(delta + <usize>n * deltaRow, w, dx + <usize>n * rowBytes, inputs, units);
    else propagateOneRow(delta + <usize>n * deltaRow, w, dx + <usize>n * rowBytes, inputs, units);
  }
}

/** Units from which one sample's dx goes down the rows of w (measured: below, 128 → 10 was faster by strips). */
const AXPY_UNITS = 32;

/** One sample, 16 inputs per pass across every unit's row of w. */
function propagateOneRowStrips(dRow: usize, w: usize, dxRow: usize, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const k4 = inputs & ~3;
  const k16 = inputs & ~15;
  let k = 0;
  for (; k < k16; k += 16) {
    const o = <usize>k << 2;
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    for (let j = 0; j < units; j++) {
      const wr = w + <usize>j * rowBytes + o;
      const d = v128.load32_splat(dRow + (<usize>j << 2));
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
      c = madd(v128.load32_splat(dRow + (<usize>j << 2)), wide ? v128.load(wr) : v128.load32_splat(wr), c);
    }
    if (wide) v128.store(dxRow + o, c);
    else store<f32>(dxRow + o, f32x4.extract_lane(c, 0));
  }
}

/**
 * dx row = Σ_j δ_j·w_j for one sample, as axpys down the rows of w: dx (in L1) takes 4 rows of
 * w per pass, read in memory order. Each dx[k] still adds δ_j·w[j,k] for j in order, from 0.
 */
function propagateOneRow(d: usize, w: usize, dx: usize, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const k4 = inputs & ~3;
  for (let k = 0; k < inputs; k++) store<f32>(dx + (<usize>k << 2), 0);
  let j = 0;
  for (; j + 4 <= units; j += 4) {
    const dj = d + (<usize>j << 2);
    const d0 = v128.load32_splat(dj), d1 = v128.load32_splat(dj, 4), d2 = v128.load32_splat(dj, 8), d3 = v128.load32_splat(dj, 12);
    const w0 = w + <usize>j * rowBytes;
    const w1 = w0 + rowBytes, w2 = w1 + rowBytes, w3 = w2 + rowBytes;
    let k = 0;
    for (; k < k4; k += 4) {
      const o = <usize>k << 2;
      let c = v128.load(dx + o);
      c = madd(d0, v128.load(w0 + o), c);
      c = madd(d1, v128.load(w1 + o), c);
      c = madd(d2, v128.load(w2 + o), c);
      c = madd(d3, v128.load(w3 + o), c);
      v128.store(dx + o, c);
    }
    for (; k < inputs; k++) {
      const o = <usize>k << 2;
      let c = v128.load32_splat(dx + o);
      c = madd(d0, v128.load32_splat(w0 + o), c);
      c = madd(d1, v128.load32_splat(w1 + o), c);
      c = madd(d2, v128.load32_splat(w2 + o), c);
      c = madd(d3, v128.load32_splat(w3 + o), c);
      store<f32>(dx + o, f32x4.extract_lane(c, 0));
    }
  }
  for (; j < units; j++) {
    const dj = v128.load32_splat(d + (<usize>j << 2));
    const wj = w + <usize>j * rowBytes;
    let k = 0;
    for (; k < k4; k += 4) {
      const o = <usize>k << 2;
      v128.store(dx + o, madd(dj, v128.load(wj + o), v128.load(dx + o)));
    }
    for (; k < inputs; k++) {
      const o = <usize>k << 2;
      store<f32>(dx + o, f32x4.extract_lane(madd(dj, v128.load32_splat(wj + o), v128.load32_splat(dx + o)), 0));
    }
  }
}
