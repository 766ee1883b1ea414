// The loss curves as a standalone SVG file (--plot loss.svg): training and validation loss per
// epoch on linear axes, with the extreme values and a legend, no script or external style.
import { formatLoss } from './progress.js';

const W = 640;
const H = 360;
const M = { left: 70, right: 20, top: 30, bottom: 50 };

export function lossSvg(train: number[], validation: number[], title = 'Loss per epoch'): string {
  const all = [...train, ...validation].filter(Number.isFinite);
  const lo = all.length ? Math.min(...all) : 0;
  const hi = all.length ? Math.max(...all) : 1;
  const span = hi - lo || 1;
  const epochs = Math.max(train.length, validation.length, 1);
  const x = (e: number) => M.left + (epochs === 1 ? 0 : (e / (epochs - 1)) * (W - M.left - M.right));
  const y = (v: number) => M.top + (1 - (v - lo) / span) * (H - M.top - M.bottom);
  const line = (values: number[], color: string, dash: string) => {
    const points = values.map((v, e) => (Number.isFinite(v) ? `${x(e).toFixed(1)},${y(v).toFixed(1)}` : '')).filter(Boolean);
    return points.length ? `  <polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${points.join(' ')}"/>\n` : '';
  };
  const text = (tx: number, ty: number, s: string, anchor = 'middle') =>
    `  <text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}">${escapeXml(s)}</text>\n`;
  const bottom = H - M.bottom;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">\n` +
    `  <rect width="${W}" height="${H}" fill="white"/>\n` +
    text(W / 2, 18, title) +
    `  <path d="M${M.left},${M.top} V${bottom} H${W - M.right}" fill="none" stroke="#444"/>\n` +
    text(M.left - 6, y(hi) + 4, formatLoss(hi), 'end') +
    text(M.left - 6, y(lo) + 4, formatLoss(lo), 'end') +
    text(x(0), bottom + 16, '1') +
    text(x(epochs - 1), bottom + 16, String(epochs)) +
    text((M.left + W - M.right) / 2, H - 12, 'epoch') +
    line(train, '#1f77b4', '') +
    line(validation, '#d62728', ' stroke-dasharray="6 4"') +
    `  <line x1="${W - 190}" y1="${M.top + 4}" x2="${W - 166}" y2="${M.top + 4}" stroke="#1f77b4" stroke-width="2"/>\n` +
    text(W - 160, M.top + 8, 'training loss', 'start') +
    (validation.length
      ? `  <line x1="${W - 190}" y1="${M.top + 22}" x2="${W - 166}" y2="${M.top + 22}" stroke="#d62728" stroke-width="2" stroke-dasharray="6 4"/>\n` +
        text(W - 160, M.top + 26, 'validation loss', 'start')
      : '') +
    '</svg>\n'
  );
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
