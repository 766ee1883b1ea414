// The kernels, one family per file; every function a family file exports is a kernel of the
// table in src/kernels.ts (or the ranged form a thread runs), with its name and argument order
// (test/kernels/table.spec.ts checks every build). Pointers arrive as float32 element offsets,
// as src/kernels.ts takes them, and each kernel turns them into byte addresses first
// (byteAddress, pointers.ts), so the exports are the kernels themselves, with no adapter between.
export * from './matmul';
export * from './activations';
export * from './losses';
export * from './optimizers';
export * from './finite';
export * from './gather';
export * from './dropout';
