// The CLI's writers on their own: the progress bar on a terminal and off one, the terminal
// loss chart and the SVG.
import { describe, it, expect } from 'vitest';
import { Progress, clock } from '../src/cli/progress.js';
import { lossChart } from '../src/cli/chart.js';
import { lossSvg } from '../src/cli/svg.js';

function fakeStream() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s) > 0, isTTY: true } as unknown as NodeJS.WriteStream };
}

describe('Progress', () => {
  it('on a terminal redraws one line with the bar, epoch, losses, speed and ETA', () => {
    const { writes, stream } = fakeStream();
    const p = new Progress({ epochs: 4, samples: 100, stream, live: true });
    p.update(0, 0.5, 0.6);
    p.update(3, 0.25, 0.3);
    p.finish();
    expect(writes[0]).toMatch(/^\r\x1b\[2K\[█{6}·{18}\] epoch 1\/4 {2}loss 0\.5000 {2}val 0\.6000 {2}[\d,]+ samples\/s {2}ETA \d+:\d\d$/);
    expect(writes[1]).toMatch(/^\r\x1b\[2K\[█{24}\] epoch 4\/4 {2}loss 0\.2500 {2}val 0\.3000 .* \d+:\d\d$/);
    expect(writes[2]).toBe('\n');
  });

  it('off a terminal writes plain lines, about 20 at most', () => {
    const { writes, stream } = fakeStream();
    const p = new Progress({ epochs: 200, samples: 10, stream, live: false });
    for (let e = 0; e < 200; e++) p.update(e, 1 / (e + 1));
    p.finish();
    expect(writes.length).toBe(21); // epoch 1, then every 10th
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes[writes.length - 1]).toMatch(/^epoch 200\/200 {2}loss 0\.0050 /);
  });

  it('clock reads m:ss and h:mm:ss', () => {
    expect([clock(0), clock(61.4), clock(3725)]).toEqual(['0:00', '1:01', '1:02:05']);
  });
});

describe('lossChart', () => {
  it('plots training as * and validation as o between the extreme values', () => {
    const chart = lossChart([4, 3, 2, 1], [4.5, 3.5, 2.5, 1.5], { width: 10, height: 5 }).split('\n');
    expect(chart[0]).toMatch(/^4\.5000 │ *o/);
    expect(chart[4]).toMatch(/^1\.0000 │ {3}\*$/);
    expect(chart.at(-1)).toContain('* training loss   o validation loss');
    expect(lossChart([], [])).toBe('');
  });
});

describe('lossSvg', () => {
  it('is a standalone SVG with one polyline per curve and its extremes labelled', () => {
    const svg = lossSvg([1, 0.5, 0.25], [1.2, 0.7, 0.4], 'a < b');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="640" height="360"/);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('>1.2000<');
    expect(svg).toContain('>0.2500<');
    expect(svg).toContain('a &lt; b');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(lossSvg([1, 0.5], []).match(/<polyline /g)).toHaveLength(1);
  });
});
