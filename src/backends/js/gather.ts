/**
 * dst row r = src row order[r], for r < rows: assembling a (shuffled) minibatch from the
 * training set packed once into the arena. order holds row indices as float32, exact below 2^24.
 */
export function gatherRows(m: Float32Array, src: number, order: number, dst: number, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const from = src + m[order + r] * width;
    m.copyWithin(dst + r * width, from, from + width);
  }
}
