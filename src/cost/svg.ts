// Hand-written SVG charts for the cost model: a Gantt chart of one simulated run (a row
// per thread, a bar per merged stretch of steps) and a line chart of a sweep.

import type { CostResult } from './simulate.ts';

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];
const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values: about `n` of them from lo to hi. */
export function ticks(lo: number, hi: number, n = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000 || Math.abs(v) < 0.01) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/** A Gantt chart of one run: rows are threads, bars are steps, colours by step label. */
export function ganttSvg(r: CostResult, title: string): string {
  const rows = r.threads.filter((t) => r.segments.some((s) => s.thread === t.name)).map((t) => t.name);
  const labels = [...new Set(r.segments.map((s) => s.step))];
  const colour = (step: string) => PALETTE[labels.indexOf(step) % PALETTE.length]!;
  const left = 130;
  const width = 900;
  const plotW = width - left - 30;
  const rowH = 28;
  const top = 40;
  const plotH = rows.length * rowH;
  const legendY = top + plotH + 45;
  const height = legendY + 20 * Math.ceil(labels.length / 4) + 10;
  const span = r.makespan > 0 ? r.makespan : 1;
  const x = (t: number) => left + (t / span) * plotW;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (const t of ticks(0, span)) {
    out.push(`<line x1="${x(t)}" y1="${top}" x2="${x(t)}" y2="${top + plotH}" stroke="#ddd"/>`);
    out.push(`<text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${top + plotH + 32}" text-anchor="middle">seconds (makespan ${fmt(r.makespan)} s)</text>`,
  );
  rows.forEach((name, i) => {
    const y = top + i * rowH;
    out.push(`<text x="${left - 8}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(name)}</text>`);
    for (const s of r.segments.filter((s) => s.thread === name)) {
      const w = Math.max(0.5, x(s.end) - x(s.start));
      out.push(
        `<rect x="${x(s.start).toFixed(2)}" y="${y + 4}" width="${w.toFixed(2)}" height="${rowH - 8}" fill="${colour(s.step)}"><title>${esc(`${s.step} ×${s.count} (${s.resource}): ${fmt(s.start)}..${fmt(s.end)} s`)}</title></rect>`,
      );
    }
  });
  labels.forEach((l, i) => {
    const lx = left + (i % 4) * 190;
    const ly = legendY + Math.floor(i / 4) * 20;
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${colour(l)}"/><text x="${lx + 16}" y="${ly}">${esc(l)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export interface Series {
  name: string;
  points: [number, number][];
  dashed?: boolean;
}

/** A line chart: one line per series; the x axis is logarithmic (base 2) when asked. */
export function lineSvg(opts: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  logX?: boolean;
  hlines?: { y: number; label: string }[];
}): string {
  const width = 900;
  const height = 480;
  const left = 70;
  const right = 200;
  const top = 40;
  const bottom = 60;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = opts.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...opts.series.flatMap((s) => s.points.map((p) => p[1])), ...(opts.hlines ?? []).map((h) => h.y)];
  const tx = (v: number) => (opts.logX ? Math.log2(v) : v);
  const x0 = Math.min(...xs.map(tx));
  const x1 = Math.max(...xs.map(tx));
  const yMax = Math.max(...ys) * 1.08;
  const x = (v: number) => left + (x1 > x0 ? ((tx(v) - x0) / (x1 - x0)) * plotW : plotW / 2);
  const y = (v: number) => top + plotH - (v / (yMax || 1)) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
  );
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="22" font-size="14" font-weight="bold">${esc(opts.title)}</text>`);
  for (const t of ticks(0, yMax)) {
    out.push(`<line x1="${left}" y1="${y(t)}" x2="${left + plotW}" y2="${y(t)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  }
  const xticks = [...new Set(xs)].sort((a, b) => a - b);
  for (const t of xticks) out.push(`<text x="${x(t)}" y="${top + plotH + 16}" text-anchor="middle">${fmt(t)}</text>`);
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 20}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  out.push(
    `<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
  );
  for (const h of opts.hlines ?? []) {
    out.push(
      `<line x1="${left}" y1="${y(h.y)}" x2="${left + plotW}" y2="${y(h.y)}" stroke="#000" stroke-dasharray="2 3"/>`,
    );
    out.push(`<text x="${left + 6}" y="${y(h.y) - 4}">${esc(h.label)}</text>`);
  }
  opts.series.forEach((s, i) => {
    const c = PALETTE[i % PALETTE.length]!;
    const pts = [...s.points].sort((a, b) => a[0] - b[0]);
    const d = pts.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(2)},${y(p[1]).toFixed(2)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const p of pts)
      out.push(
        `<circle cx="${x(p[0]).toFixed(2)}" cy="${y(p[1]).toFixed(2)}" r="3" fill="${c}"><title>${esc(`${s.name}: ${fmt(p[0])} → ${fmt(p[1])}`)}</title></circle>`,
      );
    const ly = top + 10 + i * 18;
    out.push(
      `<line x1="${left + plotW + 10}" y1="${ly}" x2="${left + plotW + 30}" y2="${ly}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${left + plotW + 34}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
