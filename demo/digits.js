// Section 2: draw a digit. The model (mnist-model.json) was trained by the library in Node
// (scripts/train-demo-mnist.ts); here Network.fromJSON loads it and predict runs on every stroke.
import { Network } from '/dist/backprop.browser.js';

const $ = (id) => document.getElementById(id);
const pad = $('pad');
const preview = $('preview');
const padCtx = pad.getContext('2d', { willReadFrequently: true });
const state = { net: null, probabilities: null, guess: null, input: null };
window.demo = { ...window.demo, digits: state };

const model = await (await fetch(new URL('./mnist-model.json', import.meta.url))).json();
state.net = Network.fromJSON(model.network);
$('model-about').textContent = `${(model.about.testAccuracy * 100).toFixed(2)}% on ${model.about.testDigits} held-out digits, running on ${state.net.kernel}`;

const probs = $('probs');
for (let d = 0; d < 10; d++) {
  const li = document.createElement('li');
  li.innerHTML = `<span>${d}</span><span class="bar" style="width:0"></span><span class="p"></span>`;
  probs.append(li);
}

function clear() {
  padCtx.fillStyle = '#000';
  padCtx.fillRect(0, 0, pad.width, pad.height);
  preview.getContext('2d').clearRect(0, 0, 28, 28);
  state.probabilities = state.guess = state.input = null;
  $('guess').textContent = '–';
  for (const li of probs.children) {
    li.classList.remove('best');
    li.querySelector('.bar').style.width = '0';
    li.querySelector('.p').textContent = '';
  }
}

/**
 * The pad as MNIST's digits were made: the ink's bounding box scaled so its longer side is 20
 * pixels, placed in 28 × 28 with its centre of mass at the centre. Returns 784 values in [0, 1].
 */
function toMnist() {
  const { data } = padCtx.getImageData(0, 0, pad.width, pad.height);
  let top = pad.height;
  let left = pad.width;
  let bottom = -1;
  let right = -1;
  for (let y = 0; y < pad.height; y++) {
    for (let x = 0; x < pad.width; x++) {
      if (data[(y * pad.width + x) * 4] > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const w = right - left + 1;
  const h = bottom - top + 1;
  const scale = 20 / Math.max(w, h);
  const box = document.createElement('canvas');
  box.width = box.height = 28;
  const boxCtx = box.getContext('2d', { willReadFrequently: true });
  boxCtx.imageSmoothingEnabled = true;
  boxCtx.imageSmoothingQuality = 'high';
  boxCtx.drawImage(pad, left, top, w, h, 0, 0, w * scale, h * scale);
  const scaled = boxCtx.getImageData(0, 0, 28, 28).data;
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const v = scaled[(y * 28 + x) * 4];
      mass += v;
      cx += v * x;
      cy += v * y;
    }
  }
  const dx = Math.round(13.5 - cx / mass);
  const dy = Math.round(13.5 - cy / mass);
  const input = new Float32Array(784);
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) {
      const tx = x + dx;
      const ty = y + dy;
      if (tx >= 0 && tx < 28 && ty >= 0 && ty < 28) input[ty * 28 + tx] = scaled[(y * 28 + x) * 4] / 255;
    }
  }
  return input;
}

function classify() {
  const input = toMnist();
  if (!input) return;
  const image = new ImageData(28, 28);
  input.forEach((v, i) => {
    image.data.fill(Math.round(v * 255), i * 4, i * 4 + 3);
    image.data[i * 4 + 3] = 255;
  });
  preview.getContext('2d').putImageData(image, 0, 0);
  const p = state.net.predict(input);
  const guess = p.indexOf(Math.max(...p));
  Object.assign(state, { probabilities: Array.from(p), guess, input });
  $('guess').textContent = `${guess} (${(p[guess] * 100).toFixed(1)}%)`;
  Array.from(probs.children).forEach((li, d) => {
    li.classList.toggle('best', d === guess);
    li.querySelector('.bar').style.width = `${Math.round(p[d] * 180)}px`;
    li.querySelector('.p').textContent = `${(p[d] * 100).toFixed(1)}%`;
  });
}

let last = null;
function point(e) {
  const r = pad.getBoundingClientRect();
  return [(e.clientX - r.left) * (pad.width / r.width), (e.clientY - r.top) * (pad.height / r.height)];
}
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  last = point(e);
});
pad.addEventListener('pointermove', (e) => {
  if (!last) return;
  const next = point(e);
  padCtx.strokeStyle = '#fff';
  padCtx.lineWidth = 20;
  padCtx.lineCap = padCtx.lineJoin = 'round';
  padCtx.beginPath();
  padCtx.moveTo(...last);
  padCtx.lineTo(...next);
  padCtx.stroke();
  last = next;
  classify();
});
pad.addEventListener('pointerup', () => {
  last = null;
  classify();
});
$('clear').addEventListener('click', clear);
clear();
