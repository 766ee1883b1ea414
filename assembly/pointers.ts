/**
 * The byte address of a float offset: every kernel takes its pointers as float offsets, as
 * src/kernels.ts passes them. Written as a rotate, which equals << 2 for every offset below
 * 2^30 (all of wasm32's 4 GiB): V8 keeps a rotate's result in a register, but folds a shifted
 * pointer into each address inside the loops, an extra instruction per load that made the flat
 * kernels (the updates, the finite check) 5–7% slower.
 */
@inline export function byteAddress(offset: usize): usize {
  return rotl<usize>(offset, 2);
}
