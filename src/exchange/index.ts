/**
 * `backprop/exchange`: a network to and from TensorFlow.js Layers, and to ONNX.
 * @module backprop/exchange
 */
// `backprop/exchange`: moving models to and from TensorFlow.js and ONNX. A subpath of its own so
// the core stays small: protobufjs (for ONNX) and the format code are about 30 KB gzipped, more
// than half the core's browser bundle, and a page that only trains never needs them.
export { toTfjs, fromTfjs, saveTfjs, loadTfjs, type TfjsArtifacts, type TfjsModelJSON, type TfjsArtifactsInput, type TfjsModelJSONInput, type TfjsWeightSpec, type TfjsTrainingConfig, type ToTfjsOptions, type FromTfjsOptions } from './tfjs.js';
export { toOnnx, type ToOnnxOptions } from './onnx.js';
