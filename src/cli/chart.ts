// A small loss chart for the terminal, printed when training ends: training loss as '*',
// validation loss as 'o' (where both fall in one cell, '*'), epochs along the bottom.
import { formatLoss } from './progress.js';

export function lossChart(train: number[], validation: number[], options: { width?: number; height?: number } = {}): string {
  const width = options.width ?? 60;
  const height = options.height ?? 10;
  const all = [...train, ...validation].filter(Number.isFinite);
  if (all.length === 0) return '';
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const span = hi - lo || 1;
  const epochs = Math.max(train.length, validation.length);
  const columns = Math.min(width, epochs);
  const grid = Array.from({ length: height }, () => new Array<string>(columns).fill(' '));
  const plot = (values: number[], mark: string) => {
    for (let c = 0; c < columns; c++) {
      // Each column shows the epoch at its position (the last column is the last epoch).
      const e = columns === 1 ? values.length - 1 : Math.round((c * (values.length - 1)) / (columns - 1));
      const v = values[e];
      if (!Number.isFinite(v)) continue;
      const row = height - 1 - Math.round(((v - lo) / span) * (height - 1));
      if (grid[row][c] !== '*') grid[row][c] = mark;
    }
  };
  plot(validation, 'o');
  plot(train, '*');
  const label = (i: number) => (i === 0 ? formatLoss(hi) : i === height - 1 ? formatLoss(lo) : '');
  const pad = Math.max(formatLoss(hi).length, formatLoss(lo).length);
  const lines = grid.map((row, i) => `${label(i).padStart(pad)} │${row.join('')}`);
  lines.push(`${' '.repeat(pad)} └${'─'.repeat(columns)}`);
  // '1' under the first column and the last epoch ending under the last, at least a space apart.
  const axis = epochs === 1 ? '1' : `1${' '.repeat(Math.max(columns - 1 - String(epochs).length, 1))}${epochs}`;
  lines.push(`${' '.repeat(pad)}  ${axis}  epoch`);
  lines.push(`${' '.repeat(pad)}  * training loss${validation.length ? '   o validation loss' : ''}`);
  return lines.join('\n');
}
