// Section 1: the live classifier. The page owns the controls and the drawing; training runs in
// train-worker.js. window.demo.classifier exposes the loss history for the browser tests.
import { makeDataset } from './datasets.js';

const $ = (id) => document.getElementById(id);
const boundary = $('boundary');
const lossChart = $('loss-chart');
const trainButton = $('train');
const worker = new Worker(new URL('./train-worker.js', import.meta.url), { type: 'module' });

const state = { data: null, losses: [], running: false, ready: false };
window.demo = { ...window.demo, classifier: state };

// Class 0 orange, class 1 blue; the heat map blends between pale versions of the two.
const CLASS0 = [217, 130, 43];
const CLASS1 = [59, 115, 196];

function layersFromInput() {
  const text = $('layers').value.trim();
  if (text === '') return [];
  const layers = text.split(',').map((s) => Number(s.trim()));
  const bad = layers.find((u) => !Number.isInteger(u) || u < 1 || u > 256);
  if (bad !== undefined) throw new RangeError(`hidden layers: expected whole numbers from 1 to 256, comma-separated, got "${text}"`);
  return layers;
}

function stepFromInputs() {
  const learningRate = Number($('lr').value);
  const batchSize = Number($('batch').value);
  if (!(learningRate > 0)) throw new RangeError(`learning rate: expected a number > 0, got "${$('lr').value}"`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size: expected a whole number ≥ 1, got "${$('batch').value}"`);
  return { learningRate, batchSize };
}

function reset() {
  $('status').textContent = '';
  let layers;
  let step;
  try {
    layers = layersFromInput();
    step = stepFromInputs();
  } catch (e) {
    $('status').textContent = e.message;
    return;
  }
  state.data = makeDataset($('dataset').value);
  state.losses = [];
  state.ready = false;
  setRunning(false);
  worker.postMessage({ type: 'step', ...step });
  worker.postMessage({
    type: 'reset',
    layers,
    activation: $('activation').value,
    backend: $('backend').value,
    x: state.data.x,
    y: state.data.y,
    seed: 1,
  });
  drawLoss();
}

function setRunning(running) {
  state.running = running;
  trainButton.textContent = running ? 'Pause' : 'Train';
}

trainButton.addEventListener('click', () => {
  if (state.running) {
    worker.postMessage({ type: 'pause' });
    setRunning(false);
  } else {
    worker.postMessage({ type: 'run' });
    setRunning(true);
  }
});
$('reset').addEventListener('click', reset);
for (const id of ['dataset', 'layers', 'activation', 'backend']) $(id).addEventListener('change', reset);
for (const id of ['lr', 'batch']) {
  $(id).addEventListener('change', () => {
    try {
      worker.postMessage({ type: 'step', ...stepFromInputs() });
      $('status').textContent = '';
    } catch (e) {
      $('status').textContent = e.message;
    }
  });
}

worker.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'ready') {
    state.ready = true;
    $('kernel').textContent = `${m.kernel} (${m.parameters} parameters)`;
  } else if (m.type === 'progress') {
    if (m.epoch > 0 || state.losses.length === 0) state.losses.push({ epoch: m.epoch, loss: m.loss });
    $('epoch').textContent = String(m.epoch);
    $('loss').textContent = m.loss.toFixed(4);
    $('accuracy').textContent = m.accuracy === undefined ? '–' : `${(m.accuracy * 100).toFixed(1)}%`;
    $('rate').textContent = m.samplesPerSecond > 0 ? Math.round(m.samplesPerSecond).toLocaleString('en') : '–';
    drawBoundary(m.grid, m.size);
    drawLoss();
  } else if (m.type === 'stopped') {
    setRunning(false);
  } else if (m.type === 'error') {
    setRunning(false);
    $('status').textContent = m.message;
  }
};
worker.onerror = (e) => {
  setRunning(false);
  $('status').textContent = `worker: ${e.message}`;
};

/** The network's output over the plane as a heat map, then the data points on top. */
function drawBoundary(grid, size) {
  const image = new ImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const p = grid[i];
    for (let k = 0; k < 3; k++) {
      const mixed = CLASS0[k] * (1 - p) + CLASS1[k] * p;
      image.data[i * 4 + k] = 255 - (255 - mixed) * 0.45; // pale, so the points stand out
    }
    image.data[i * 4 + 3] = 255;
  }
  const cell = document.createElement('canvas');
  cell.width = cell.height = size;
  cell.getContext('2d').putImageData(image, 0, 0);
  const ctx = boundary.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cell, 0, 0, boundary.width, boundary.height);
  const { x, y, n } = state.data;
  for (let i = 0; i < n; i++) {
    const px = (x[2 * i] + 1) / 2 * boundary.width;
    const py = (1 - x[2 * i + 1]) / 2 * boundary.height;
    ctx.beginPath();
    ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${(y[i] ? CLASS1 : CLASS0).join(',')})`;
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

function drawLoss() {
  const ctx = lossChart.getContext('2d');
  const { width, height } = lossChart;
  const pad = { left: 44, right: 10, top: 10, bottom: 22 };
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#5a6372';
  ctx.strokeStyle = '#c4cad4';
  ctx.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  const points = state.losses;
  if (points.length === 0) return;
  const maxLoss = Math.max(...points.map((p) => p.loss)) * 1.05;
  const lastEpoch = Math.max(1, points[points.length - 1].epoch);
  const px = (epoch) => pad.left + (epoch / lastEpoch) * (width - pad.left - pad.right);
  const py = (loss) => pad.top + (1 - loss / maxLoss) * (height - pad.top - pad.bottom);
  ctx.fillText(maxLoss.toFixed(2), 4, pad.top + 8);
  ctx.fillText('0', 30, height - pad.bottom);
  ctx.fillText(`epoch ${lastEpoch}`, width - pad.right - 70, height - 6);
  ctx.fillText('loss', pad.left + 6, pad.top + 14);
  ctx.beginPath();
  points.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p.epoch), py(p.loss)) : ctx.lineTo(px(p.epoch), py(p.loss))));
  ctx.strokeStyle = '#3b73c4';
  ctx.lineWidth = 2;
  ctx.stroke();
}

$('env').innerHTML = globalThis.crossOriginIsolated
  ? 'This page is cross-origin isolated, so <code>threads: 2</code> works here too.'
  : 'This page is not cross-origin isolated: SharedArrayBuffer, and with it <code>threads</code> above 1, is unavailable.';
reset();
