// Cache-blocked forms of dw = Δᵀ·x and dx = Δ·w, in the structure of GotoBLAS/BLIS (z = x·wᵀ is
// blocked by units in assembly/matmul.ts: its w rows already run along the summed inputs): the
// operand that every sample (or every unit) re-reads is copied, one block at a time, into a packing
// buffer where it is contiguous and small enough to stay in cache while the register-blocked
// micro-kernel sweeps the other operand past it. assembly/matmul.ts chooses these for wide
// layers and keeps its direct loops for small and skinny shapes. All addresses here are bytes.
//
// Blocks cut only dimensions that are not summed, or cut the summed one by storing each
// output's float32 running sum and reloading it: every output adds the same products in the
// same order as the direct loops, so packed, direct and threaded results are the same bits.
import { madd } from './simd';

// Block sizes for this machine class (Intel Xeon: L1d 48 KB, L2 2 MB per core). A panel of
// 32 Ki floats (128 KB) stays in L2 beside the streamed operand; the strip one micro-kernel
// pass reads (≤ 8 KB) stays in L1. PACK_FLOATS in src/kernels.ts is the buffer these need.
/** Floats in the packed panel of every product. */
const PANEL_FLOATS = 32768;
/** dx = Δ·w: a panel of 256 units × 128 inputs of w, read in strips of 8 inputs (8 KB). */
const DX_UNITS = 256;
const DX_INPUTS = 128;
/** dw = Δᵀ·x: a panel of 256 samples × 128 inputs of x, in strips of 8 inputs (8 KB), and 256 × 4 deltas after it. */
const DW_ROWS = 256;
const DW_INPUTS = 128;
/** After the panel (and dw's deltas): a 4 × 8 tile on which the tiles at a block's edges run whole, then are copied out. */
const EDGE_TILE = PANEL_FLOATS + 1024;

/**
 * Copy the rows × width corner of the 4 × 8 tile at p (rows rowBytes apart) into the edge tile,
 * zeros elsewhere (or only zeros, when there is nothing to add to yet).
 */
function edgeIn(p: usize, rowBytes: usize, rows: i32, width: i32, tile: usize, copy: bool): void {
  for (let i = 0; i < 32; i++) store<f32>(tile + (<usize>i << 2), 0);
  if (!copy) return;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) store<f32>(tile + (<usize>(r * 8 + c) << 2), load<f32>(p + <usize>r * rowBytes + (<usize>c << 2)));
}

/** Copy the rows × width corner of the edge tile back to p. */
function edgeOut(tile: usize, p: usize, rowBytes: usize, rows: i32, width: i32): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) store<f32>(p + <usize>r * rowBytes + (<usize>c << 2), load<f32>(tile + (<usize>(r * 8 + c) << 2)));
}


/**
 * Copy a rows × cols block at src (rows srcRow bytes apart) into strips of 8 columns: strip s
 * holds rows × 8 floats, row after row, so a micro-kernel reads it as one stream. The last
 * strip is padded with zeros (its products are computed and never stored).
 */
function packStrips(src: usize, srcRow: usize, rows: i32, cols: i32, dst: usize): void {
  const full = cols & ~7;
  const stripBytes = <usize>rows << 5;
  for (let r = 0; r < rows; r++) {
    const from = src + <usize>r * srcRow;
    let to = dst + (<usize>r << 5);
    let c = 0;
    for (; c < full; c += 8, to += stripBytes) {
      const o = <usize>c << 2;
      v128.store(to, v128.load(from + o));
      v128.store(to, v128.load(from + o, 16), 16);
    }
    if (c < cols) {
      v128.store(to, f32x4.splat(0));
      v128.store(to, f32x4.splat(0), 16);
      for (let i = c; i < cols; i++) store<f32>(to + (<usize>(i - c) << 2), load<f32>(from + (<usize>i << 2)));
    }
  }
}

/**
 * dx = Δ·w with w packed. For each panel (DX_UNITS units × DX_INPUTS inputs) the tiles of 4
 * samples × 8 inputs sweep the panel's strips; a later panel of units adds to the sums the
 * earlier ones stored in dx, so each dx[n,k] sums δ[n,j]·w[j,k] over j in order.
 */
export function propagateDeltaPacked(delta: usize, w: usize, dx: usize, pack: usize, batch: i32, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const edge = pack + (<usize>EDGE_TILE << 2);
  for (let j0 = 0; j0 < units; j0 += DX_UNITS) {
    const jc = min(DX_UNITS, units - j0);
    const more = j0 > 0;
    for (let k0 = 0; k0 < inputs; k0 += DX_INPUTS) {
      const kc = min(DX_INPUTS, inputs - k0);
      packStrips(w + <usize>j0 * rowBytes + (<usize>k0 << 2), rowBytes, jc, kc, pack);
      for (let s = 0; s < kc; s += 8) {
        const width = min(8, kc - s);
        const strip = pack + (<usize>s * <usize>jc << 2);
        const out = dx + (<usize>(k0 + s) << 2);
        const d = delta + (<usize>j0 << 2);
        for (let n = 0; n < batch; ) {
          // 4 samples, or one of the batch % 4 (its deltas read as all four rows; one row copied out)
          const rows = n + 4 <= batch ? 4 : 1;
          const at = out + <usize>n * rowBytes;
          const dn = d + <usize>n * deltaRow;
          if (rows == 4 && width == 8) {
            dxTile(dn, deltaRow, strip, jc, at, rowBytes, more);
          } else {
            edgeIn(at, rowBytes, rows, width, edge, more);
            dxTile(dn, rows == 4 ? deltaRow : 0, strip, jc, edge, 32, true);
            edgeOut(edge, at, rowBytes, rows, width);
          }
          n += rows;
        }
      }
    }
  }
}

/** 4 samples × 8 inputs of dx in eight accumulators while j runs down the strip: two w vectors and four deltas for 8 multiply-adds. */
function dxTile(d: usize, deltaRow: usize, strip: usize, jc: i32, out: usize, rowBytes: usize, more: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (more) {
    c00 = v128.load(out); c01 = v128.load(out, 16);
    c10 = v128.load(out + rowBytes); c11 = v128.load(out + rowBytes, 16);
    c20 = v128.load(out + 2 * rowBytes); c21 = v128.load(out + 2 * rowBytes, 16);
    c30 = v128.load(out + 3 * rowBytes); c31 = v128.load(out + 3 * rowBytes, 16);
  }
  for (let j = 0; j < jc; j++) {
    const wr = strip + (<usize>j << 5);
    const w0 = v128.load(wr);
    const w1 = v128.load(wr, 16);
    const dj = d + (<usize>j << 2);
    const d0 = v128.load32_splat(dj);
    const d1 = v128.load32_splat(dj + deltaRow);
    const d2 = v128.load32_splat(dj + 2 * deltaRow);
    const d3 = v128.load32_splat(dj + 3 * deltaRow);
    c00 = madd(d0, w0, c00); c01 = madd(d0, w1, c01);
    c10 = madd(d1, w0, c10); c11 = madd(d1, w1, c11);
    c20 = madd(d2, w0, c20); c21 = madd(d2, w1, c21);
    c30 = madd(d3, w0, c30); c31 = madd(d3, w1, c31);
  }
  v128.store(out, c00); v128.store(out, c01, 16);
  v128.store(out + rowBytes, c10); v128.store(out + rowBytes, c11, 16);
  v128.store(out + 2 * rowBytes, c20); v128.store(out + 2 * rowBytes, c21, 16);
  v128.store(out + 3 * rowBytes, c30); v128.store(out + 3 * rowBytes, c31, 16);
}

/**
 * dw = scale·Δᵀ·x for units [from, to) with x packed. For each panel of DW_ROWS samples ×
 * DW_INPUTS inputs, each 4-unit block's deltas are packed too (DW_ROWS × 4 floats after the
 * panel), then tiles of 4 units × 8 inputs sweep the strips. A later panel of samples adds to
 * the running sums stored in dw; the last one applies the scale, as the direct loop does.
 */
export function weightGradientsPacked(
  delta: usize, x: usize, dw: usize, pack: usize, batch: i32, inputs: i32, units: i32, scale: f32, from: i32, to: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const deltas = pack + (<usize>PANEL_FLOATS << 2);
  const edge = pack + (<usize>EDGE_TILE << 2);
  const sv = f32x4.splat(scale);
  for (let n0 = 0; n0 < batch; n0 += DW_ROWS) {
    const nb = min(DW_ROWS, batch - n0);
    const more = n0 > 0;
    const last = n0 + nb == batch;
    for (let k0 = 0; k0 < inputs; k0 += DW_INPUTS) {
      const kc = min(DW_INPUTS, inputs - k0);
      packStrips(x + <usize>n0 * rowBytes + (<usize>k0 << 2), rowBytes, nb, kc, pack);
      for (let j = from; j < to; j += 4) {
        const rows = min(4, to - j);
        const d = delta + <usize>n0 * deltaRow + (<usize>j << 2);
        if (rows == 4) {
          for (let n = 0; n < nb; n++) v128.store(deltas + (<usize>n << 4), v128.load(d + <usize>n * deltaRow));
        } else {
          for (let n = 0; n < nb; n++) {
            const to = deltas + (<usize>n << 4);
            v128.store(to, f32x4.splat(0));
            for (let r = 0; r < rows; r++) store<f32>(to + (<usize>r << 2), load<f32>(d + <usize>n * deltaRow + (<usize>r << 2)));
          }
        }
        for (let s = 0; s < kc; s += 8) {
          const strip = pack + (<usize>s * <usize>nb << 2);
          const at = dw + <usize>j * rowBytes + (<usize>(k0 + s) << 2);
          const width = min(8, kc - s);
          if (rows == 4 && width == 8) {
            dwTile(strip, deltas, nb, at, rowBytes, more, last, sv);
          } else {
            // An edge (inputs % 8 or units % 4): missing units' deltas are zeros, their rows not copied out.
            edgeIn(at, rowBytes, rows, width, edge, more);
            dwTile(strip, deltas, nb, edge, 32, true, last, sv);
            edgeOut(edge, at, rowBytes, rows, width);
          }
        }
      }
    }
  }
}

/** 4 units × 8 inputs of dw in eight accumulators while n runs down the strip: two x vectors and four deltas for 8 multiply-adds. */
function dwTile(strip: usize, deltas: usize, nb: i32, out: usize, rowBytes: usize, more: bool, last: bool, sv: v128): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (more) {
    c00 = v128.load(out); c01 = v128.load(out, 16);
    c10 = v128.load(out + rowBytes); c11 = v128.load(out + rowBytes, 16);
    c20 = v128.load(out + 2 * rowBytes); c21 = v128.load(out + 2 * rowBytes, 16);
    c30 = v128.load(out + 3 * rowBytes); c31 = v128.load(out + 3 * rowBytes, 16);
  }
  for (let n = 0; n < nb; n++) {
    const xr = strip + (<usize>n << 5);
    const x0 = v128.load(xr);
    const x1 = v128.load(xr, 16);
    const dn = deltas + (<usize>n << 4);
    const d0 = v128.load32_splat(dn);
    const d1 = v128.load32_splat(dn, 4);
    const d2 = v128.load32_splat(dn, 8);
    const d3 = v128.load32_splat(dn, 12);
    c00 = madd(d0, x0, c00); c01 = madd(d0, x1, c01);
    c10 = madd(d1, x0, c10); c11 = madd(d1, x1, c11);
    c20 = madd(d2, x0, c20); c21 = madd(d2, x1, c21);
    c30 = madd(d3, x0, c30); c31 = madd(d3, x1, c31);
  }
  if (last) {
    c00 = f32x4.mul(c00, sv); c01 = f32x4.mul(c01, sv); c10 = f32x4.mul(c10, sv); c11 = f32x4.mul(c11, sv);
    c20 = f32x4.mul(c20, sv); c21 = f32x4.mul(c21, sv); c30 = f32x4.mul(c30, sv); c31 = f32x4.mul(c31, sv);
  }
  v128.store(out, c00); v128.store(out, c01, 16);
  v128.store(out + rowBytes, c10); v128.store(out + rowBytes, c11, 16);
  v128.store(out + 2 * rowBytes, c20); v128.store(out + 2 * rowBytes, c21, 16);
  v128.store(out + 3 * rowBytes, c30); v128.store(out + 3 * rowBytes, c31, 16);
}
