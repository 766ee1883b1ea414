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
import { anyNonzero8, madd } from './simd';
import { DELTAS, EDGE_TILE, KEPT_COUNTS, KEPT_LISTS, PANEL_INPUTS, PANEL_ROWS } from './pack-layout';

/** dx = Δ·w: a panel of 256 units × 128 inputs of w, read in strips of 8 inputs (8 KB), and 256 × 4 deltas after it. */
const DX_UNITS = PANEL_ROWS;
const DX_INPUTS = PANEL_INPUTS;
/** dw = Δᵀ·x: a panel of 256 samples × 128 inputs of x, in strips of 8 inputs (8 KB), and 256 × 4 deltas after it. */
const DW_ROWS = PANEL_ROWS;
const DW_INPUTS = PANEL_INPUTS;
/** dx's tiles store their sums unscaled. */
const ONE = f32x4.splat(1);

/**
 * Copy the rows × width corner of the 4 × 8 tile at p (rows rowBytes apart) into the edge tile,
 * zeros elsewhere (or only zeros, when there is nothing to add to yet). The edge tile's rows are 8
 * floats apart, so a single row may be up to 32 wide (rows.ts's 1 × 32 row).
 */
export function edgeIn(p: usize, rowBytes: usize, rows: i32, width: i32, tile: usize, copy: bool): void {
  for (let i = 0; i < 32; i++) store<f32>(tile + (<usize>i << 2), 0);
  if (!copy) return;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) store<f32>(tile + (<usize>(r * 8 + c) << 2), load<f32>(p + <usize>r * rowBytes + (<usize>c << 2)));
}

/** Copy the rows × width corner of the edge tile back to p. */
export function edgeOut(tile: usize, p: usize, rowBytes: usize, rows: i32, width: i32): void {
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < width; c++) store<f32>(p + <usize>r * rowBytes + (<usize>c << 2), load<f32>(tile + (<usize>(r * 8 + c) << 2)));
}


/**
 * Copy a rows × cols block at src (rows srcRow bytes apart) into strips of `width` columns (8 for the
 * 4 × 8 tile, 32 for rows.ts's 1 × 32 row): strip s holds rows × width floats, row after row, so a
 * micro-kernel reads it as one stream. The last strip is padded with zeros (its products are
 * computed and never stored).
 */
export function packStrips(src: usize, srcRow: usize, rows: i32, cols: i32, dst: usize, width: i32): void {
  const rowBytes = <usize>width << 2;
  const stripBytes = <usize>rows * rowBytes;
  for (let r = 0; r < rows; r++) {
    const from = src + <usize>r * srcRow;
    let to = dst + <usize>r * rowBytes;
    for (let c = 0; c < cols; c += width, to += stripBytes) {
      for (let q = 0; q < width; q += 8) copyStripRow(from + (<usize>(c + q) << 2), max(0, min(8, cols - c - q)), to + (<usize>q << 2));
    }
  }
}

/**
 * packStrips for dw's x, leaving out of each strip the samples whose inputs there are all zero:
 * their products would add only zeros (the deltas are finite) and change no bit of a sum, so sparse
 * inputs (MNIST's empty margins, one-hot columns) cost less. Strip s keeps its samples' rows first,
 * in order; counts[s] is how many, and when that is fewer than all, lists[s] gives the byte offset
 * of each kept sample's group of 4 deltas. A strip that would keep more than 7 in 8 samples
 * stays whole (an unlisted sweep is the faster one there).
 */
function packNonzeroStrips(src: usize, srcRow: usize, rows: i32, cols: i32, dst: usize, lists: usize, counts: usize): void {
  for (let c = 0; c < cols; c += 8) {
    const width = min(8, cols - c);
    const from = src + (<usize>c << 2);
    const to = dst + (<usize>c * <usize>rows << 2);
    // pack the strip whole, counting its non-zero rows; a sparse one is then compacted in place
    let kept = 0;
    for (let r = 0; r < rows; r++) {
      const row = to + (<usize>r << 5);
      copyStripRow(from + <usize>r * srcRow, width, row);
      kept += i32(anyNonzero8(row));
    }
    if (kept * 8 > rows * 7) {
      kept = rows;
    } else {
      const list = lists + (<usize>c * DW_ROWS >> 1);
      let at = 0;
      for (let r = 0; r < rows; r++) {
        const row = to + (<usize>r << 5);
        if (!anyNonzero8(row)) continue;
        copyStripRow(row, 8, to + (<usize>at << 5));
        store<u32>(list + (<usize>at << 2), <u32>r << 4);
        at++;
      }
    }
    store<i32>(counts + (<usize>c >> 1), kept);
  }
}

/** One row of one strip: width (≤ 8) floats from src, zeros after them. */
@inline function copyStripRow(src: usize, width: i32, to: usize): void {
  if (width == 8) {
    v128.store(to, v128.load(src));
    v128.store(to, v128.load(src, 16), 16);
    return;
  }
  v128.store(to, f32x4.splat(0));
  v128.store(to, f32x4.splat(0), 16);
  for (let i = 0; i < width; i++) store<f32>(to + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/**
 * dx = Δ·w with w packed. For each panel (DX_UNITS units × DX_INPUTS inputs) and each 4 samples, the
 * samples' deltas for the panel's units are packed too (DX_UNITS × 4 floats after the panel, unit
 * after unit), then tiles of 4 samples × 8 inputs sweep the strips; a later panel of units adds to the
 * sums the earlier ones stored in dx, so each dx[n,k] sums δ[n,j]·w[j,k] over j in order.
 */
export function propagateDeltaPacked(delta: usize, w: usize, dx: usize, pack: usize, batch: i32, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  const deltas = pack + (<usize>DELTAS << 2);
  const edge = pack + (<usize>EDGE_TILE << 2);
  for (let j0 = 0; j0 < units; j0 += DX_UNITS) {
    const jc = min(DX_UNITS, units - j0);
    const more = j0 > 0;
    for (let k0 = 0; k0 < inputs; k0 += DX_INPUTS) {
      const kc = min(DX_INPUTS, inputs - k0);
      packStrips(w + <usize>j0 * rowBytes + (<usize>k0 << 2), rowBytes, jc, kc, pack, 8);
      for (let n = 0; n < batch; ) {
        // 4 samples, or one of the batch % 4 (packed into all four lanes; one row copied out)
        const rows = n + 4 <= batch ? 4 : 1;
        packSampleDeltas(delta + <usize>n * deltaRow + (<usize>j0 << 2), rows == 4 ? deltaRow : 0, jc, deltas);
        const at = dx + <usize>n * rowBytes + (<usize>k0 << 2);
        for (let s = 0; s < kc; s += 8) {
          const width = min(8, kc - s);
          const strip = pack + (<usize>s * <usize>jc << 2);
          packedTile(strip, deltas, jc, 0, at + (<usize>s << 2), rowBytes, rows, width, more, false, ONE, edge);
        }
        n += rows;
      }
    }
  }
}

/** Four samples' deltas for jc units (rows srcRow bytes apart; 0 repeats one row) as jc groups of 4: unit j's four samples side by side. */
function packSampleDeltas(src: usize, srcRow: usize, jc: i32, dst: usize): void {
  for (let j = 0; j < jc; j++) {
    const from = src + (<usize>j << 2);
    const to = dst + (<usize>j << 4);
    store<f32>(to, load<f32>(from));
    store<f32>(to, load<f32>(from + srcRow), 4);
    store<f32>(to, load<f32>(from + 2 * srcRow), 8);
    store<f32>(to, load<f32>(from + 3 * srcRow), 12);
  }
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
  const deltas = pack + (<usize>DELTAS << 2);
  const edge = pack + (<usize>EDGE_TILE << 2);
  const lists = pack + (<usize>KEPT_LISTS << 2);
  const counts = pack + (<usize>KEPT_COUNTS << 2);
  const sv = f32x4.splat(scale);
  for (let n0 = 0; n0 < batch; n0 += DW_ROWS) {
    const nb = min(DW_ROWS, batch - n0);
    const more = n0 > 0;
    const last = n0 + nb == batch;
    for (let k0 = 0; k0 < inputs; k0 += DW_INPUTS) {
      const kc = min(DW_INPUTS, inputs - k0);
      packNonzeroStrips(x + <usize>n0 * rowBytes + (<usize>k0 << 2), rowBytes, nb, kc, pack, lists, counts);
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
          const kept = load<i32>(counts + (<usize>s >> 1));
          const list = kept < nb ? lists + (<usize>s * DW_ROWS >> 1) : 0;
          // At an edge (inputs % 8 or units % 4) missing units' deltas are zeros, their rows not copied out.
          packedTile(strip, deltas, kept, list, at, rowBytes, rows, min(8, kc - s), more, last, sv, edge);
        }
      }
    }
  }
}

/**
 * tile on packed operands (a strip of 8 floats a step, groups of 4 multipliers) for the rows × width
 * corner of the 4 × 8 block at out: in place when the block is whole, else on the edge tile, copied in
 * and out, so a block's edges (the dimensions' remainders) run the same kernel. With a list (dw's
 * compacted strips, else 0) the multipliers of step i are the group at the list's byte offset i.
 */
function packedTile(
  strip: usize, multipliers: usize, count: i32, list: usize, out: usize, rowBytes: usize, rows: i32, width: i32,
  more: bool, scaled: bool, scale: v128, edge: usize,
): void {
  if (rows == 4 && width == 8) {
    if (list != 0) listedTile(strip, multipliers, list, count, out, rowBytes, more, scaled, scale);
    else tile(strip, 32, multipliers, 16, count, out, rowBytes, more, scaled, scale);
    return;
  }
  edgeIn(out, rowBytes, rows, width, edge, more);
  if (list != 0) listedTile(strip, multipliers, list, count, edge, 32, true, scaled, scale);
  else tile(strip, 32, multipliers, 16, count, edge, 32, true, scaled, scale);
  edgeOut(edge, out, rowBytes, rows, width);
}

/**
 * The micro-kernel of both products: a 4 × 8 tile of outputs (4 rows rowBytes apart, 8 floats each)
 * in eight accumulators while i runs down `count` steps of a strip (8 floats a step, stripStep bytes
 * apart) and of groups of 4 multipliers (one per tile row, multiplierStep bytes apart): two strip
 * vectors and four broadcasts for 8 multiply-adds, every address an immediate offset. dw: rows are
 * units, the strip is x, i runs over samples; dx: rows are samples, the strip is w, i runs over units.
 * Packed operands step 32 and 16 bytes; the direct dw loop (assembly/matmul.ts) steps along x and
 * Δ's rows. With `more` it adds to the tile; with `scaled` it multiplies the sums by `scale` as it
 * stores them (dw's batch mean, on the last panel).
 */
export function tile(
  strip: usize, stripStep: usize, multipliers: usize, multiplierStep: usize, count: i32,
  out: usize, rowBytes: usize, more: bool, scaled: bool, scale: v128,
): void {
  tileSweep(strip, stripStep, multipliers, multiplierStep, false, 0, count, out, rowBytes, more, scaled, scale);
}

/** tile on a packed strip that kept only the steps in list: step i's multipliers are the group at byte offset list[i] (dw's sparse strips). */
function listedTile(strip: usize, multipliers: usize, list: usize, count: i32, out: usize, rowBytes: usize, more: bool, scaled: bool, scale: v128): void {
  tileSweep(strip, 32, multipliers, 0, true, list, count, out, rowBytes, more, scaled, scale);
}

/** The body of tile and listedTile (`listed` is a constant in each, so neither tests it at every step). */
@inline function tileSweep(
  strip: usize, stripStep: usize, multipliers: usize, multiplierStep: usize, listed: bool, list: usize, count: i32,
  out: usize, rowBytes: usize, more: bool, scaled: bool, scale: v128,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (more) {
    c00 = v128.load(out); c01 = v128.load(out, 16);
    c10 = v128.load(out + rowBytes); c11 = v128.load(out + rowBytes, 16);
    c20 = v128.load(out + 2 * rowBytes); c21 = v128.load(out + 2 * rowBytes, 16);
    c30 = v128.load(out + 3 * rowBytes); c31 = v128.load(out + 3 * rowBytes, 16);
  }
  let sr = strip;
  let mi = multipliers;
  for (let i = 0; i < count; i++, sr += stripStep, mi += multiplierStep) {
    if (listed) mi = multipliers + <usize>load<u32>(list + (<usize>i << 2));
    const s0 = v128.load(sr);
    const s1 = v128.load(sr, 16);
    const m0 = v128.load32_splat(mi);
    const m1 = v128.load32_splat(mi, 4);
    const m2 = v128.load32_splat(mi, 8);
    const m3 = v128.load32_splat(mi, 12);
    c00 = madd(m0, s0, c00); c01 = madd(m0, s1, c01);
    c10 = madd(m1, s0, c10); c11 = madd(m1, s1, c11);
    c20 = madd(m2, s0, c20); c21 = madd(m2, s1, c21);
    c30 = madd(m3, s0, c30); c31 = madd(m3, s1, c31);
  }
  if (scaled) {
    c00 = f32x4.mul(c00, scale); c01 = f32x4.mul(c01, scale); c10 = f32x4.mul(c10, scale); c11 = f32x4.mul(c11, scale);
    c20 = f32x4.mul(c20, scale); c21 = f32x4.mul(c21, scale); c30 = f32x4.mul(c30, scale); c31 = f32x4.mul(c31, scale);
  }
  v128.store(out, c00); v128.store(out, c01, 16);
  v128.store(out + rowBytes, c10); v128.store(out + rowBytes, c11, 16);
  v128.store(out + 2 * rowBytes, c20); v128.store(out + 2 * rowBytes, c21, 16);
  v128.store(out + 3 * rowBytes, c30); v128.store(out + 3 * rowBytes, c31, 16);
}
