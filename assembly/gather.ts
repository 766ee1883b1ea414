import { byteAddress } from './pointers';

/**
 * dst row r = src row order[r], for r < rows: assembling a (shuffled) minibatch from the
 * training set packed once into memory. order holds row indices as float32, exact below 2^24.
 */
export function gatherRows(src: usize, order: usize, dst: usize, rows: i32, width: i32): void {
  src = byteAddress(src); order = byteAddress(order); dst = byteAddress(dst);
  const rowBytes = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    const i = <usize>load<f32>(order + (<usize>r << 2));
    memory.copy(dst + <usize>r * rowBytes, src + i * rowBytes, rowBytes);
  }
}
