/**
 * The results chart: examples per second of every measured row, one group per workload
 * (method · model · batch), one bar per adapter, on a log scale (decades gridded). A plain SVG
 * writer (no fonts embedded: a sans-serif family, sizes fixed), so browser rows from other
 * harnesses can be drawn with the same function.
 */
import type { WorkloadResult } from './harness.js';

export interface ChartInput {
  readonly date: string;
  readonly quick?: boolean;
  readonly results: readonly Pick<WorkloadResult, 'method' | 'model' | 'adapter' | 'batch' | 'status' | 'examplesPerSec'>[];
}

/** Colour-blind-safe palette (Okabe–Ito, then Tol's muted), assigned to adapters in order of first appearance. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#332288', '#882255', '#44AA99', '#999933', '#AA4499'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fmt(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function decadeLabel(e: number): string {
  const v = 10 ** e;
  return v >= 1 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(1)));
}

export function throughputChartSvg(report: ChartInput): string {
  const rows = report.results.filter((r) => r.status === 'ok' && r.examplesPerSec !== undefined && r.examplesPerSec > 0);
  const adapters = [...new Set(rows.map((r) => r.adapter))];
  const colour = new Map(adapters.map((a, i) => [a, PALETTE[i % PALETTE.length]!]));
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = `${r.method} · ${r.model} · b${r.batch}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const values = rows.map((r) => r.examplesPerSec!);
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 10)));
  const labelW = 300;
  const plotW = 560;
  const valueW = 70;
  const bar = 12;
  const gap = 10;
  const legendRowH = 18;
  const legendPerRow = 4;
  const top = 62 + Math.ceil(Math.max(adapters.length, 1) / legendPerRow) * legendRowH + 24;
  let y = top;
  const x = (v: number): number => labelW + ((Math.log10(v) - lo) / (hi - lo)) * plotW;
  const body: string[] = [];
  for (const [key, rs] of groups) {
    const h = rs.length * bar;
    body.push(`<text x="${labelW - 8}" y="${y + h / 2 + 4}" text-anchor="end" font-size="11">${esc(key)}</text>`);
    for (const r of rs) {
      const w = Math.max(1, x(r.examplesPerSec!) - labelW);
      body.push(
        `<rect x="${labelW}" y="${y + 1}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${colour.get(r.adapter)}"><title>${esc(`${r.adapter}: ${fmt(r.examplesPerSec!)} examples/s`)}</title></rect>`,
        `<text x="${(labelW + w + 4).toFixed(1)}" y="${y + bar - 3}" font-size="9" fill="#333">${fmt(r.examplesPerSec!)}</text>`,
      );
      y += bar;
    }
    y += gap;
  }
  const height = y + 36;
  const width = labelW + plotW + valueW + 20;
  const grid: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e).toFixed(1);
    grid.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${y - gap + 4}" stroke="#ccc" stroke-width="1"/>`,
      `<text x="${gx}" y="${top - 10}" text-anchor="middle" font-size="10" fill="#555">${decadeLabel(e)}</text>`,
      `<text x="${gx}" y="${y - gap + 18}" text-anchor="middle" font-size="10" fill="#555">${decadeLabel(e)}</text>`,
    );
  }
  const legend = adapters.map((a, i) => {
    const lx = 20 + (i % legendPerRow) * 200;
    const ly = 62 + Math.floor(i / legendPerRow) * legendRowH;
    return `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${colour.get(a)}"/><text x="${lx + 18}" y="${ly}" font-size="12">${esc(a)}</text>`;
  });
  const title = `Glasswing throughput, examples per second (log scale) — ${report.date.slice(0, 10)}`;
  const subtitle = report.quick ? 'quick run: 1 repetition, tiny counts, first call included; not for comparison' : 'median of the timed repetitions after warm-up; one bar per adapter';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="20" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="20" y="38" font-size="11" fill="#555">${esc(subtitle)}</text>`,
    ...legend,
    ...grid,
    ...(rows.length === 0 ? [`<text x="${labelW}" y="${top + 20}" font-size="12">no measured rows</text>`] : body),
    `<text x="${labelW + plotW / 2}" y="${height - 6}" text-anchor="middle" font-size="11" fill="#333">examples per second (higher is faster)</text>`,
    '</svg>',
    '',
  ].join('\n');
}
