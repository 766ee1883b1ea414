// The kernels, one family per file. Names and argument order match src/kernels.ts; here
// every pointer is a byte address in linear memory.
export { forward, forwardUnits, weightGradients, weightGradientsUnits, propagateDelta } from './matmul';
export {
  sigmoidForward, sigmoidBackward, tanhForward, tanhBackward, reluForward, reluBackward,
  leakyReluForward, leakyReluBackward, identityForward, identityBackward, softmaxForward, softmaxBackward,
} from './activations';
export { outputDelta, sumSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses';
export { sgdUpdate, momentumUpdate, nesterovUpdate, adamUpdate, rmspropUpdate } from './optimizers';
export { countNonFinite } from './finite';
export { gatherRows } from './gather';
