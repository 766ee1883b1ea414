// The packing buffer of the blocked products, region by region: PACK_FLOATS floats per thread
// (src/kernels.ts, which must be at least PACK_END), all offsets in floats from its start.
// Block sizes for this machine class (Intel Xeon: L1d 48 KB, L2 2 MB per core): a panel of 32 Ki
// floats (128 KB) stays in L2 beside the streamed operand; the strip one micro-kernel pass reads
// stays in L1 (8 KB for the 4 × 8 tile, 32 KB for rows.ts's 1 × 32).

/** Rows (units of w for dx, samples of x for dw) in one packed panel. */
export const PANEL_ROWS = 256;
/** Inputs in one packed panel. */
export const PANEL_INPUTS = 128;
/** The panel, from 0. */
export const PANEL_FLOATS = PANEL_ROWS * PANEL_INPUTS;
/** After it: a group of 4 deltas per panel row. */
export const DELTAS = PANEL_FLOATS;
/** A 4 × 8 tile (or rows.ts's 32-wide row) on which those at a block's edges run whole, then are copied out. */
export const EDGE_TILE = DELTAS + 4 * PANEL_ROWS;
/** dw's sample lists: per strip of 8 inputs, the byte offsets of the deltas of the samples it kept. */
export const KEPT_LISTS = EDGE_TILE + 32;
/** Each strip's count of kept samples. */
export const KEPT_COUNTS = KEPT_LISTS + PANEL_ROWS * (PANEL_INPUTS / 8);
/** rows.ts: lists of non-zero deltas, ROW_ENTRIES entries of 2 words (the delta, its row's byte offset in a strip). */
export const ROW_LISTS = KEPT_COUNTS + PANEL_INPUTS / 8;
export const ROW_ENTRIES = 65536;
/** One count per list, ROW_LISTS_MAX of them. */
export const ROW_COUNTS = ROW_LISTS + 2 * ROW_ENTRIES;
export const ROW_LISTS_MAX = 1024;
/** The whole buffer. */
export const PACK_END = ROW_COUNTS + ROW_LISTS_MAX;
