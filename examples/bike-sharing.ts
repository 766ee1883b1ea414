// Bike-sharing demand (the course's first project, "Your first neural network"): predict the
// hourly rental count `cnt` of Capital Bikeshare (data/bike-sharing/hour.csv, Fanaee-T & Gama 2013).
// Data prep as in the project: dummy variables for season, weathersit, mnth, hr and weekday; drop
// instant, dteday, atemp and workingday; standardise casual, registered, cnt, temp, hum and
// windspeed; the targets cnt, casual and registered leave 56 input features. The last 21 days are
// the test set and the 60 days before them validate. A sigmoid hidden layer, an identity output,
// SGD on random batches of 128 of ½(y − ŷ)², no biases, as the project's network. The project's
// bar: training MSE < 0.09 and validation MSE < 0.18 on the standardised counts.
// Run: npx tsx examples/bike-sharing.ts
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Network, parseCsv, numberColumn, textColumn, dummies, fitScaler, standardize, unstandardize, columnsToRows, positionSplit, takeRows, meanSquaredError, type Scaler } from '../src/index.js';

const FILE = new URL('../data/bike-sharing/hour.csv', import.meta.url);
const DUMMIES = ['season', 'weathersit', 'mnth', 'hr', 'weekday'];
const KEPT = ['yr', 'holiday', 'temp', 'hum', 'windspeed'];
const SCALED = new Set(['temp', 'hum', 'windspeed']);
const HOURS_PER_DAY = 24;

export interface BikeSharing {
  features: string[];
  train: { x: Float32Array; y: Float32Array };
  validation: { x: Float32Array; y: Float32Array };
  test: { x: Float32Array; y: Float32Array; dates: string[]; hours: string[] };
  /** Maps a standardised cnt back to rentals per hour. */
  cnt: Scaler;
}

export function prepareBikeSharing(): BikeSharing {
  const table = parseCsv(readFileSync(FILE, 'utf8'), { source: 'data/bike-sharing/hour.csv' });
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const name of KEPT) {
    const values = numberColumn(table, name);
    names.push(name);
    columns.push(SCALED.has(name) ? standardize(values, fitScaler(values, name)) : values);
  }
  for (const name of DUMMIES) {
    const d = dummies(textColumn(table, name), { prefix: name, lines: table.lines });
    names.push(...d.names);
    columns.push(...d.columns);
  }
  const counts = numberColumn(table, 'cnt');
  const cnt = fitScaler(counts, 'cnt');
  const x = columnsToRows(columns);
  const y = Float32Array.from(standardize(counts, cnt));
  const split = positionSplit(table.rows.length, { test: 21 * HOURS_PER_DAY, validation: 60 * HOURS_PER_DAY });
  const part = (rows: Uint32Array) => ({ x: takeRows(x, names.length, rows), y: takeRows(y, 1, rows) });
  const dates = textColumn(table, 'dteday');
  const hours = textColumn(table, 'hr');
  return {
    features: names,
    train: part(split.train),
    validation: part(split.validation),
    test: { ...part(split.test), dates: Array.from(split.test, (r) => dates[r]), hours: Array.from(split.test, (r) => hours[r]) },
    cnt,
  };
}

export interface BikeResult {
  trainMse: number;
  validationMse: number;
  testMse: number;
  net: Network;
}

/** `iterations` batches of 128, as the project counts its training budget. */
export async function trainBikeSharing(data: BikeSharing, options: { hidden: number; iterations: number; learningRate: number; seed?: number; backend?: 'js' | 'wasm' }): Promise<BikeResult> {
  const net = await Network.create({
    layers: [data.features.length, { units: options.hidden, activation: 'sigmoid' }, { units: 1, activation: 'identity' }],
    bias: false,
    loss: 'quadratic',
    seed: options.seed ?? 1,
    backend: options.backend ?? 'auto',
  });
  const rows = data.train.y.length;
  const batchSize = 128;
  const batchesPerEpoch = Math.ceil(rows / batchSize);
  const epochs = Math.max(1, Math.round(options.iterations / batchesPerEpoch));
  await net.fit(data.train.x, data.train.y, { epochs, batchSize, learningRate: options.learningRate });
  const mse = (part: { x: Float32Array; y: Float32Array }) => meanSquaredError(net.predictBatch(part.x), part.y);
  return { trainMse: mse(data.train), validationMse: mse(data.validation), testMse: mse(data.test), net };
}

async function main(): Promise<void> {
  const data = prepareBikeSharing();
  console.log(`bike sharing: ${data.features.length} features; ${data.train.y.length} training hours, ${data.validation.y.length} validation, ${data.test.y.length} test`);
  const started = performance.now();
  const result = await trainBikeSharing(data, { hidden: 16, iterations: 6000, learningRate: 0.5 });
  const seconds = (performance.now() - started) / 1000;
  console.log(`56-16-1 sigmoid/identity, 6,000 batches of 128, η = 0.5 (${seconds.toFixed(1)} s on ${result.net.backend}):`);
  console.log(`  training MSE ${result.trainMse.toFixed(3)} (bar < 0.09), validation MSE ${result.validationMse.toFixed(3)} (bar < 0.18), test MSE ${result.testMse.toFixed(3)}`);
  const predicted = unstandardize(result.net.predictBatch(data.test.x), data.cnt);
  const actual = unstandardize(data.test.y, data.cnt);
  const day = data.test.dates[data.test.dates.length - 1];
  console.log(`  the test set's last day at 08:00 and 17:00, in rentals per hour:`);
  for (let i = 0; i < data.test.dates.length; i++) {
    if (data.test.dates[i] !== day || !['8', '17'].includes(data.test.hours[i])) continue;
    console.log(`    ${data.test.dates[i]} ${data.test.hours[i].padStart(2, '0')}:00  predicted ${predicted[i].toFixed(0)}, actual ${actual[i].toFixed(0)}`);
  }
  result.net.dispose();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
