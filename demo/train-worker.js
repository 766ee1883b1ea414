// The classifier's trainer, in a module Worker so the page never waits on it. It trains a few
// epochs at a time (paced to the screen, so the boundary is seen to move), then posts the loss,
// accuracy, samples/s while training and the network's output on a GRID × GRID lattice over
// [−1, 1]² (the heat map), and yields so pause and reset get through.
import { Network } from '/dist/backprop.browser.js';

const GRID = 64;
const EPOCHS_PER_FRAME = 5;
const FRAME_MS = 16;
const MAX_EPOCHS = 20000;

const lattice = new Float32Array(GRID * GRID * 2);
for (let r = 0; r < GRID; r++) {
  for (let c = 0; c < GRID; c++) {
    lattice[(r * GRID + c) * 2] = (c + 0.5) / GRID * 2 - 1;
    lattice[(r * GRID + c) * 2 + 1] = 1 - (r + 0.5) / GRID * 2;
  }
}

let net = null;
let data = null;
let step = { learningRate: 0.03, batchSize: 16 };
let epoch = 0;
let running = false;
/** The training loop in progress, if any: a reset waits for it before disposing the network. */
let loop = Promise.resolve();
/** Messages are handled one at a time, in order; 'pause' only flips a flag the loop reads. */
let queue = Promise.resolve();

onmessage = (e) => {
  const m = e.data;
  if (m.type === 'pause') running = false;
  if (m.type === 'step') step = { learningRate: m.learningRate, batchSize: m.batchSize };
  queue = queue.then(async () => {
    if (m.type === 'reset') await reset(m);
    else if (m.type === 'run') await run();
  }).catch((err) => {
    running = false;
    postMessage({ type: 'error', message: err.message });
  });
};

async function reset({ layers, activation, backend, x, y, seed }) {
  running = false;
  await loop;
  net?.dispose();
  net = null;
  epoch = 0;
  data = { x, y: new Float32Array(y) };
  net = await Network.create({
    layers: [2, ...layers.map((units) => ({ units, activation })), { units: 1, activation: 'sigmoid' }],
    loss: 'binary-cross-entropy',
    // tanh and sigmoid start from N(0, 1/√fan_in): Xavier's smaller first-layer weights leave the spirals on a long plateau.
    init: activation.includes('relu') ? 'he' : 'normal',
    seed,
    backend,
  });
  postMessage({ type: 'ready', kernel: net.kernel, backend: net.backend, parameters: net.parameterCount });
  report(0);
}

async function run() {
  if (running) return;
  await loop; // a paused loop finishes its chunk first: never two loops on one network
  if (!net) return;
  running = true;
  loop = train().catch((err) => {
    running = false;
    postMessage({ type: 'error', message: err.message });
  });
}

async function train() {
  while (running && epoch < MAX_EPOCHS) {
    const frame = performance.now();
    const epochs = Math.min(EPOCHS_PER_FRAME, MAX_EPOCHS - epoch);
    const started = performance.now();
    await net.fit(data.x, data.y, { epochs, batchSize: step.batchSize, learningRate: step.learningRate, optimizer: 'momentum' });
    const seconds = (performance.now() - started) / 1000;
    epoch += epochs;
    report((epochs * data.y.length) / seconds);
    // Wait out the rest of the frame: pause and reset messages get in here.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, FRAME_MS - (performance.now() - frame))));
  }
  running = false;
  postMessage({ type: 'stopped', epoch });
}

function report(samplesPerSecond) {
  const { loss, accuracy } = net.evaluate(data.x, data.y);
  const grid = net.predictBatch(lattice);
  postMessage({ type: 'progress', epoch, loss, accuracy, samplesPerSecond, grid, size: GRID }, [grid.buffer]);
}
