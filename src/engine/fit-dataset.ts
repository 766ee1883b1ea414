// fit(dataset): the same loop as fit on arrays (./fit.ts), over a StreamSource instead of the
// packed set, with validation from arrays or from a second dataset read after each epoch.
// Whatever ends the run (the last epoch, abort, a callback, an error) stops reading the source.
import type { DatasetPlan } from '../validate/dataset-options.js';
import { isClassLabels } from '../validate/samples.js';
import type { Engine, Evaluation } from './engine.js';
import { runEpochs, startState, type History, type StreamedValidation } from './fit.js';
import { CHUNK_ROWS } from './layout.js';
import { forwardPass, batchLoss } from './passes.js';
import { countCorrect } from './accuracy.js';
import { StreamSource } from './stream-source.js';

export async function runDatasetFit(engine: Engine, d: DatasetPlan, label: string): Promise<History> {
  if (engine.training) throw new Error(`${label}: this network is already training; await that fit (or abort it) first`);
  const { plan } = d;
  const source = new StreamSource(engine, d.dataset, {
    label,
    batchSize: plan.batchSize,
    shuffleBuffer: d.shuffleBuffer,
    classLabels: plan.accuracy,
    rows: d.rows ?? 1,
  });
  let validation = null;
  let arrays = 0;
  if (typeof d.validation === 'function') {
    const rows = new StreamSource(engine, d.validation, { label: `${label}: validationData`, batchSize: plan.batchSize, shuffleBuffer: 0, classLabels: false, rows: 1 });
    validation = { evaluate: () => evaluateStream(engine, rows) } satisfies StreamedValidation;
  } else if (d.validation) {
    validation = d.validation;
    arrays = Math.min(d.validation.rows, CHUNK_ROWS);
  }
  // Nothing is packed: the arena holds the parameters and the batch buffers only, whatever the dataset's size.
  engine.packTraining({ x: new Float32Array(0), y: new Float32Array(0), rows: 0, inputsChecked: true }, Math.max(plan.batchSize, arrays), label);
  engine.training = true;
  try {
    return await runEpochs(engine, source, validation, plan, startState(plan), label, null);
  } finally {
    engine.training = false;
    await source.close();
  }
}

/** The loss (and accuracy, where every target is a class label) over a whole validation dataset, batch by batch in the arena. */
async function evaluateStream(engine: Engine, source: StreamSource): Promise<Evaluation> {
  const { backend, layout, loss } = engine;
  const K = engine.outputs;
  const out = layout.layers[layout.layers.length - 1];
  let rows = 0;
  let lossSum = 0;
  let correct = 0;
  let classes = true;
  try {
    await source.startEpoch();
    for (;;) {
      let n = source.nextBatch();
      if (typeof n !== 'number') n = await n;
      if (n === 0) break;
      forwardPass(backend, layout, n);
      lossSum += n * batchLoss(backend, layout, loss, n);
      const y = backend.f32.subarray(layout.target, layout.target + n * K);
      classes &&= isClassLabels(y, K);
      if (classes) correct += countCorrect(backend.f32, out.a, y, 0, n, K);
      rows += n;
    }
  } finally {
    await source.close();
  }
  if (rows === 0) throw new RangeError(`${source.label}: validationData: the dataset gave no rows`);
  const result: Evaluation = { loss: lossSum / rows };
  if (classes) result.accuracy = correct / rows;
  return result;
}
