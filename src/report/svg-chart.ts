// An SVG chart of ns per new flow against N, log scales, one curve per mode (and IPVS scheduler).

import { seriesOf } from '../run/cases.js';
import type { ReportCase } from './json-report.js';

const W = 760;
const H = 460;
const M = { left: 70, right: 170, top: 30, bottom: 50 };
const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#843c39'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

/** The chart as a standalone SVG document. */
export function svgChart(cases: readonly ReportCase[], title: string): string {
  const series = new Map<string, Array<[number, number]>>();
  for (const c of cases) {
    if (!(c.nsPerFlow.median > 0)) continue;
    const name = seriesOf({ mode: c.mode as never, scheduler: c.scheduler as never });
    let pts = series.get(name);
    if (pts === undefined) series.set(name, (pts = []));
    pts.push([c.services, c.nsPerFlow.median]);
  }
  const xs = cases.map((c) => c.services).filter((n) => n > 0);
  const ys = [...series.values()].flat().map((p) => p[1]);
  if (xs.length === 0 || ys.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="80"><text x="10" y="40">no data</text></svg>\n`;
  const xt = decades(Math.min(...xs), Math.max(...xs));
  const yt = decades(Math.min(...ys), Math.max(...ys));
  const lx = (n: number): number => M.left + ((Math.log10(n) - Math.log10(xt[0]!)) / Math.max(1e-9, Math.log10(xt[xt.length - 1]!) - Math.log10(xt[0]!))) * (W - M.left - M.right);
  const ly = (v: number): number => H - M.bottom - ((Math.log10(v) - Math.log10(yt[0]!)) / Math.max(1e-9, Math.log10(yt[yt.length - 1]!) - Math.log10(yt[0]!))) * (H - M.top - M.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (const x of xt) parts.push(`<line x1="${lx(x)}" y1="${M.top}" x2="${lx(x)}" y2="${H - M.bottom}" stroke="#ddd"/>`, `<text x="${lx(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${x.toLocaleString('en-US')}</text>`);
  for (const y of yt) parts.push(`<line x1="${M.left}" y1="${ly(y)}" x2="${W - M.right}" y2="${ly(y)}" stroke="#ddd"/>`, `<text x="${M.left - 6}" y="${ly(y) + 4}" text-anchor="end">${y}</text>`);
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">service ports N (log)</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">ns per new flow (log)</text>`,
  );
  [...series.entries()].forEach(([name, pts], i) => {
    const color = COLORS[i % COLORS.length]!;
    const sorted = pts.sort((a, b) => a[0] - b[0]);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="${name === 'iptables' ? 3 : 1.6}" points="${sorted.map(([n, v]) => `${lx(n).toFixed(1)},${ly(v).toFixed(1)}`).join(' ')}"/>`);
    for (const [n, v] of sorted) parts.push(`<circle cx="${lx(n).toFixed(1)}" cy="${ly(v).toFixed(1)}" r="3" fill="${color}"/>`);
    const ty = M.top + 14 + i * 16;
    parts.push(`<line x1="${W - M.right + 12}" y1="${ty - 4}" x2="${W - M.right + 32}" y2="${ty - 4}" stroke="${color}" stroke-width="3"/>`, `<text x="${W - M.right + 38}" y="${ty}">${esc(name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
