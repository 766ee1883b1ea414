// What train and demo print when training ends: the loss chart in the terminal and, with
// --plot, the same curves as an SVG file.
import type { History } from '../engine/fit.js';
import { lossChart } from './chart.js';
import { lossSvg } from './svg.js';
import { writeText } from './files.js';

export function reportCurves(history: Pick<History, 'loss' | 'valLoss'>, plot: string | undefined, title: string, out: (line: string) => void): void {
  const chart = lossChart(history.loss, history.valLoss);
  if (chart) out(`\n${chart}`);
  if (plot !== undefined) {
    writeText(plot, lossSvg(history.loss, history.valLoss, title), 'plot');
    out(`loss curves written to ${plot}`);
  }
}
