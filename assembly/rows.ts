// dx = Δ·w and dw = Δᵀ·x over the non-zero deltas only. ReLU and dropout leave half of a hidden
// layer's deltas zero, and the 4 × 8 tiles of assembly/packed.ts can skip a step only where all
// four of their deltas are zero (one step in six there). Here each output row (one sample's dx,
// one unit's dw) walks a list of its own non-zero deltas with a micro-kernel of 1 row × 32
// outputs in eight accumulators, over a strip of 32 inputs packed so it stays in L1 while every
// row's list passes over it. At full density it runs ~15% below the 4 × 8 tile (nine loads per
// eight multiply-adds), so assembly/matmul.ts takes it only where its deltas are sparse enough.
//
// A zero delta adds ±0 to its sums, which changes no bit of them, and the kept terms are added in
// the dense loops' order (samples for dw, units for dx, ascending), so the results are the same
// bits as the 4 × 8 tiles' and the direct loops'. (dx's other operand, w, is always finite; a
// non-finite input facing a zero delta gives NaN in a dense dw and nothing here.)
import { madd } from './simd';
import { edgeIn, edgeOut, packStrips } from './packed';
import { EDGE_TILE, PANEL_INPUTS, PANEL_ROWS, ROW_COUNTS, ROW_ENTRIES, ROW_LISTS, ROW_LISTS_MAX } from './pack-layout';

/** Outputs (and inputs of a strip) per micro-kernel row. */
const WIDTH = 32;
/** dx: samples whose lists over a panel of PANEL_ROWS units are made at once. */
const DX_SAMPLES = ROW_ENTRIES / PANEL_ROWS;

/**
 * dx = Δ·w: for each panel of PANEL_ROWS units and each DX_SAMPLES samples, every sample's list of
 * its non-zero deltas over the panel's units, then sweepLists over the panel's rows of w; a later
 * panel of units adds to the sums stored in dx.
 */
export function propagateDeltaRows(delta: usize, w: usize, dx: usize, pack: usize, batch: i32, inputs: i32, units: i32): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  for (let j0 = 0; j0 < units; j0 += PANEL_ROWS) {
    const jc = min(PANEL_ROWS, units - j0);
    for (let n0 = 0; n0 < batch; n0 += DX_SAMPLES) {
      const nc = min(DX_SAMPLES, batch - n0);
      listNonzero(delta + <usize>n0 * deltaRow + (<usize>j0 << 2), deltaRow, 4, nc, jc, pack);
      sweepLists(w + <usize>j0 * rowBytes, jc, dx + <usize>n0 * rowBytes, nc, inputs, j0 > 0, false, 1, pack);
    }
  }
}

/**
 * dw = scale·Δᵀ·x for units [from, to): for each panel of up to PANEL_ROWS samples and each chunk of
 * units whose lists fit (ROW_ENTRIES in all), every unit's list of its non-zero deltas over the
 * panel's samples, then sweepLists over the panel's rows of x. A later panel of samples adds to the
 * running sums stored in dw; the last one applies the scale, as the direct loop does.
 */
export function weightGradientsRows(
  delta: usize, x: usize, dw: usize, pack: usize, batch: i32, inputs: i32, units: i32, scale: f32, from: i32, to: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const deltaRow = <usize>units << 2;
  for (let n0 = 0; n0 < batch; n0 += PANEL_ROWS) {
    const nb = min(PANEL_ROWS, batch - n0);
    const chunk = min(ROW_LISTS_MAX, ROW_ENTRIES / nb);
    for (let j0 = from; j0 < to; j0 += chunk) {
      const jc = min(chunk, to - j0);
      listNonzero(delta + <usize>n0 * deltaRow + (<usize>j0 << 2), 4, deltaRow, jc, nb, pack);
      sweepLists(x + <usize>n0 * rowBytes, nb, dw + <usize>j0 * rowBytes, jc, inputs, n0 > 0, n0 + nb == batch, scale, pack);
    }
  }
}

/**
 * The products of `lists` rows of outputs (row i at out + i·inputs floats, list i made by
 * listNonzero) over `rows` rows of inputs (at src, inputs floats apart): for each block of
 * PANEL_INPUTS inputs those rows packed in strips of 32 (packed.ts's packStrips), then each strip swept by
 * every list into its output row.
 */
function sweepLists(src: usize, rows: i32, out: usize, lists: i32, inputs: i32, more: bool, scaled: bool, scale: f32, pack: usize): void {
  const rowBytes = <usize>inputs << 2;
  const entries = pack + (<usize>ROW_LISTS << 2);
  const counts = pack + (<usize>ROW_COUNTS << 2);
  const edge = pack + (<usize>EDGE_TILE << 2);
  for (let k0 = 0; k0 < inputs; k0 += PANEL_INPUTS) {
    const kc = min(PANEL_INPUTS, inputs - k0);
    packStrips(src + (<usize>k0 << 2), rowBytes, rows, kc, pack, WIDTH);
    for (let s = 0; s < kc; s += WIDTH) {
      const strip = pack + (<usize>s * <usize>rows << 2);
      for (let i = 0; i < lists; i++) {
        const at = out + <usize>i * rowBytes + (<usize>(k0 + s) << 2);
        rowTile(strip, entries + (<usize>(i * rows) << 3), load<i32>(counts + (<usize>i << 2)), at, min(WIDTH, kc - s), more, scaled, scale, edge);
      }
    }
  }
}

/**
 * `lists` lists of the non-zero deltas among `count` deltas each (list i's deltas from src + i·listStep,
 * step bytes apart), in the packing buffer: list i at entry i·count, its length at counts[i]. An
 * entry is the delta and the byte offset of its row in a strip (32 floats a row). Every entry is
 * written and a list's length moves on only for a non-zero delta, so there is no branch.
 */
function listNonzero(src: usize, listStep: usize, step: usize, lists: i32, count: i32, pack: usize): void {
  const entries = pack + (<usize>ROW_LISTS << 2);
  const counts = pack + (<usize>ROW_COUNTS << 2);
  for (let i = 0; i < lists; i++) {
    const from = src + <usize>i * listStep;
    const list = entries + (<usize>(i * count) << 3);
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const d = load<f32>(from + <usize>k * step);
      const entry = list + (<usize>kept << 3);
      store<f32>(entry, d);
      store<u32>(entry, <u32>k << 7, 4);
      kept += i32(d != 0);
    }
    store<i32>(counts + (<usize>i << 2), kept);
  }
}

/**
 * rowSweep for the first `width` of the 32 outputs at out (then, with `scaled`, scaleRow): in place
 * when that is all 32, else on the edge tile as one row, copied in and out (packed.ts's edgeIn, edgeOut).
 */
function rowTile(strip: usize, list: usize, count: i32, out: usize, width: i32, more: bool, scaled: bool, scale: f32, edge: usize): void {
  if (width == WIDTH) {
    rowSweep(strip, list, count, out, more);
    if (scaled) scaleRow(out, scale);
    return;
  }
  edgeIn(out, 0, 1, width, edge, more);
  rowSweep(strip, list, count, edge, true);
  if (scaled) scaleRow(edge, scale);
  edgeOut(edge, out, 0, 1, width);
}

/**
 * The micro-kernel: 32 outputs at out in eight accumulators (added to what is there with `more`)
 * while the list's `count` entries each broadcast their delta over their strip row's 32 floats.
 * V8 may hoist a step's eight loads ahead of its multiply-adds, which leaves no vector register to
 * spare: anything more kept in one across the loop (a scale to apply after it) made it spill an
 * accumulator at every step (dx at 50% zeros: 4.2 → 6.0 ms). So scaling is scaleRow's pass, after.
 */
function rowSweep(strip: usize, list: usize, count: i32, out: usize, more: bool): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  if (more) {
    c0 = v128.load(out); c1 = v128.load(out, 16); c2 = v128.load(out, 32); c3 = v128.load(out, 48);
    c4 = v128.load(out, 64); c5 = v128.load(out, 80); c6 = v128.load(out, 96); c7 = v128.load(out, 112);
  }
  for (let i = 0; i < count; i++) {
    const entry = list + (<usize>i << 3);
    const m = v128.load32_splat(entry);
    const row = strip + <usize>load<u32>(entry, 4);
    c0 = madd(m, v128.load(row), c0);
    c1 = madd(m, v128.load(row, 16), c1);
    c2 = madd(m, v128.load(row, 32), c2);
    c3 = madd(m, v128.load(row, 48), c3);
    c4 = madd(m, v128.load(row, 64), c4);
    c5 = madd(m, v128.load(row, 80), c5);
    c6 = madd(m, v128.load(row, 96), c6);
    c7 = madd(m, v128.load(row, 112), c7);
  }
  v128.store(out, c0); v128.store(out, c1, 16); v128.store(out, c2, 32); v128.store(out, c3, 48);
  v128.store(out, c4, 64); v128.store(out, c5, 80); v128.store(out, c6, 96); v128.store(out, c7, 112);
}

/** The 32 sums at out times scale: the same bits as scaling them in their registers (a float32 stored and reloaded is unchanged). */
function scaleRow(out: usize, scale: f32): void {
  const sv = f32x4.splat(scale);
  for (let o: usize = 0; o < 128; o += 16) v128.store(out + o, f32x4.mul(v128.load(out + o), sv));
}
