/**
 * `backprop/exchange`: a network to and from TensorFlow.js Layers, and to ONNX.
 * @module backprop/exchange
 */
// `backprop/exchange`: moving models to and from TensorFlow.js and ONNX. A subpath of its own so
// the core stays small: the format code (with our own protobuf writer for ONNX) is about 8 KB
// gzipped, and a page that only trains never needs it.
export { toTfjs, fromTfjs, saveTfjs, loadTfjs, type TfjsArtifacts, type TfjsModelJSON, type TfjsArtifactsInput, type TfjsModelJSONInput, type TfjsWeightSpec, type TfjsTrainingConfig, type ToTfjsOptions, type FromTfjsOptions } from './tfjs.js';
export { toOnnx, type ToOnnxOptions } from './onnx.js';
