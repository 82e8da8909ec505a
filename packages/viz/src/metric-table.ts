/**
 * Pictures of an explanation-quality evaluation (`glasswing evaluate`, core's
 * `evaluateExplanations`):
 *   - the metric × method heat table: one row per method (best overall rank first), one column per
 *     metric; each cell prints the mean score and its rank, and is coloured by the rank within its
 *     metric (green = best, yellow = middle, red = worst; grey = n/a);
 *   - the mean curves: one panel per metric curve (deletion, insertion, …), one line per method,
 *     the mean over the examples of each method's curve (controls dashed; rows past the tenth colour
 *     also carry a marker shape).
 * One Scene drawn as SVG and PNG (scene.ts).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { EvaluateResult } from '@glasswing/core';
import type { Rgb } from './raster.js';
import { categorical, labelWidth, scenePng, sceneSvg, type MarkerShape, type Scene, type SceneItem } from './scene.js';
import { formatNumber, niceTicks } from './svg.js';

const INK: Rgb = [30, 30, 30];
const MUTED: Rgb = [110, 110, 110];
const GRID: Rgb = [225, 225, 225];
const NA: Rgb = [232, 232, 232];
const BEST: Rgb = [120, 198, 121];
const MID: Rgb = [254, 224, 139];
const WORST: Rgb = [244, 140, 112];

export interface MetricPictureOptions {
  readonly title?: string;
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * t)) as unknown as Rgb;

/** A rank as printed: an integer, or a tie's average with one decimal (13.5). */
export function formatRank(rank: number): string {
  return Number.isInteger(rank) ? String(rank) : rank.toFixed(1);
}

/** The colour of rank `rank` among `count` ranked cells: green (1) → yellow → red (count). */
export function rankColor(rank: number, count: number): Rgb {
  const t = count <= 1 ? 0 : (rank - 1) / (count - 1);
  return t <= 0.5 ? mix(BEST, MID, t * 2) : mix(MID, WORST, (t - 0.5) * 2);
}

/** A column header on one line, or two split at the hyphen nearest the middle when it is long. */
export function headLines(text: string): string[] {
  if (text.length <= 14) return [text];
  const cuts = [...text.matchAll(/-/g)].map((m) => m.index!);
  if (cuts.length === 0) return [text];
  const at = cuts.reduce((a, b) => (Math.abs(b - text.length / 2) < Math.abs(a - text.length / 2) ? b : a));
  return [text.slice(0, at + 1), text.slice(at + 1)];
}

/** Row order: best overall rank first, unranked last (stable). */
function rowOrder(r: EvaluateResult): number[] {
  return r.methods.map((_, i) => i).sort((a, b) => (r.methods[a]!.overallRank ?? Infinity) - (r.methods[b]!.overallRank ?? Infinity) || a - b);
}

function heatScene(r: EvaluateResult, o: MetricPictureOptions): Scene {
  if (r.methods.length === 0 || r.metrics.length === 0) throw new InvalidArgumentError('metric heat table: no methods or no metrics');
  const title = o.title ?? 'Explanation quality';
  const m = r.metrics.length;
  const items: SceneItem[] = [];
  const nameW = Math.max(90, ...r.methods.map((x) => labelWidth(x.method)));
  const heads = r.metrics.map((x) => headLines(`${x.id} ${x.higherIsBetter ? '↑' : '↓'}`));
  const cellTexts = r.cells.map((c) => (c.status === 'ok' ? `${formatNumber(c.mean!, 3)} (${formatRank(c.rank!)})` : 'n/a'));
  const colW = r.metrics.map((_, j) => Math.max(70, ...heads[j]!.map((h) => labelWidth(h) + 12), ...r.methods.map((_, i) => labelWidth(cellTexts[i * m + j]!) + 12)));
  const rankW = 74;
  const left = 16;
  const x0 = left + nameW + 10;
  const gridLeft = x0 + rankW;
  const subtitle = `${r.examples} example${r.examples === 1 ? '' : 's'}, seed ${r.seed}. Cell: mean score (rank within the metric, 1 = best); ↑ higher is better, ↓ lower.`;
  const width = Math.max(gridLeft + colW.reduce((a, b) => a + b, 0) + 16, labelWidth(title, true) + 40, labelWidth(subtitle) + 32, 460);
  items.push({ kind: 'text', x: left, y: 24, text: title, bold: true, big: true });
  items.push({ kind: 'text', x: left, y: 42, text: subtitle, color: MUTED });
  // Legend: the rank colours.
  let lx = left;
  const ly = 60;
  for (const [label, color] of [['best', BEST], ['middle', MID], ['worst', WORST], ['n/a', NA]] as const) {
    items.push({ kind: 'rect', x: lx, y: ly - 9, w: 12, h: 12, fill: color, stroke: MUTED });
    items.push({ kind: 'text', x: lx + 17, y: ly + 1, text: label });
    lx += 17 + labelWidth(label) + 16;
  }
  const headY = 88 + (heads.some((h) => h.length > 1) ? 14 : 0);
  const rowH = 22;
  items.push({ kind: 'text', x: left, y: headY, text: 'method', bold: true });
  items.push({ kind: 'text', x: x0 + rankW - 8, y: headY, text: 'mean rank', bold: true, anchor: 'end' });
  let cx = gridLeft;
  const colX: number[] = [];
  for (let j = 0; j < m; j++) {
    colX.push(cx);
    heads[j]!.forEach((line, k, all) => items.push({ kind: 'text', x: cx + colW[j]! / 2, y: headY - 14 * (all.length - 1 - k), text: line, bold: true, anchor: 'middle' }));
    cx += colW[j]!;
  }
  const ranked = r.metrics.map((_, j) => r.methods.filter((_, i) => r.cells[i * m + j]!.status === 'ok').length);
  let y = headY + 8;
  for (const i of rowOrder(r)) {
    const row = r.methods[i]!;
    items.push({ kind: 'line', x1: left, y1: y, x2: cx, y2: y, color: GRID });
    const ty = y + rowH / 2 + 4;
    items.push({ kind: 'text', x: left, y: ty, text: row.method, ...(row.control ? { color: MUTED } : {}) });
    items.push({ kind: 'text', x: x0 + rankW - 8, y: ty, text: row.meanRank === null ? '–' : formatNumber(row.meanRank, 3), anchor: 'end', bold: row.overallRank === 1 });
    for (let j = 0; j < m; j++) {
      const c = r.cells[i * m + j]!;
      const fill = c.status === 'ok' ? rankColor(c.rank!, ranked[j]!) : NA;
      items.push({ kind: 'rect', x: colX[j]! + 1, y: y + 1, w: colW[j]! - 2, h: rowH - 2, fill });
      items.push({ kind: 'text', x: colX[j]! + colW[j]! / 2, y: ty, text: cellTexts[i * m + j]!, anchor: 'middle', color: c.status === 'ok' ? INK : MUTED });
    }
    y += rowH;
  }
  items.push({ kind: 'line', x1: left, y1: y, x2: cx, y2: y, color: GRID });
  return { width: Math.ceil(width), height: Math.ceil(y + 16), title, items };
}

/** Rows past the 10 categorical colours repeat a colour: they get a marker shape too (none for the first 10). */
function markerOf(i: number): MarkerShape | undefined {
  return (['square', 'triangle', 'diamond', 'circle'] as const)[Math.floor(i / 10) - 1];
}

/**
 * Every curve label that some 'ok' cell gives, by metric, in metric order — once: a curve another
 * metric already drew with the same label and the same values for every method (morf-lerf's MoRF
 * deletion is deletion's; road gives road-morf's and road-lerf's) is not drawn again.
 */
function curvePanels(r: EvaluateResult): { metric: string; label: string; xLabel: string }[] {
  const out: { metric: string; label: string; xLabel: string }[] = [];
  const valuesOf = (metric: string, label: string): string =>
    JSON.stringify(r.methods.map((mm) => r.cells.find((c) => c.metric === metric && c.method === mm.method && c.status === 'ok')?.curves?.find((q) => q.label === label)?.y ?? null));
  for (const mm of r.metrics) {
    for (const c of r.cells) {
      if (c.metric !== mm.id || c.status !== 'ok') continue;
      for (const cv of c.curves ?? []) {
        if (out.some((p) => p.metric === mm.id && p.label === cv.label)) continue;
        if (out.some((p) => p.label === cv.label && valuesOf(p.metric, p.label) === valuesOf(mm.id, cv.label))) continue;
        out.push({ metric: mm.id, label: cv.label, xLabel: cv.xLabel });
      }
    }
  }
  return out;
}

interface Line { readonly i: number; readonly x: readonly number[]; readonly y: number[]; readonly names?: readonly string[] }

/**
 * x-axis labels: the curve's x names where it has them (up to 8 points, shortened), integers only
 * where every x is an integer (layers randomised), else nice ticks.
 */
function xTicks(lines: readonly Line[], x0: number, x1: number): { x: number; text: string }[] {
  const named = lines.find((l) => l.names && l.names.length === l.x.length);
  if (named && named.x.length <= 8) return named.x.map((x, j) => ({ x, text: named.names![j]!.length > 12 ? `${named.names![j]!.slice(0, 11)}…` : named.names![j]! }));
  const ticks = niceTicks(x0, x1, 5);
  const integral = lines.every((l) => l.x.every(Number.isInteger));
  return (integral ? ticks.filter(Number.isInteger) : ticks).map((t) => ({ x: t, text: formatNumber(t, 3) }));
}

/** The mean over examples of a curve's y rows. */
export function meanCurve(y: readonly (readonly number[])[]): number[] {
  const k = y[0]?.length ?? 0;
  return Array.from({ length: k }, (_, j) => y.reduce((s, row) => s + row[j]!, 0) / Math.max(1, y.length));
}

function curvesScene(r: EvaluateResult, o: MetricPictureOptions): Scene {
  const panels = curvePanels(r);
  if (panels.length === 0) throw new InvalidArgumentError('metric curves: no metric in this evaluation gives curves (e.g. pixel-flipping deletion / insertion)');
  const title = o.title ?? 'Mean curves per method';
  const items: SceneItem[] = [];
  const pw = 300, ph = 190, padL = 52, padB = 40, padT = 28, gap = 24, left = 16, top = 56;
  const cols = Math.min(2, panels.length);
  const legendX = left + cols * (pw + padL + gap);
  const drawn = r.methods.map((mm, i) => i).filter((i) => r.cells.some((c) => c.method === r.methods[i]!.method && c.status === 'ok' && (c.curves?.length ?? 0) > 0));
  const legendW = Math.max(...drawn.map((i) => labelWidth(r.methods[i]!.method))) + 40;
  const width = Math.max(legendX + legendW, labelWidth(title, true) + 40);
  items.push({ kind: 'text', x: left, y: 24, text: title, bold: true, big: true });
  items.push({ kind: 'text', x: left, y: 42, text: `Mean over ${r.examples} example${r.examples === 1 ? '' : 's'} of each method's curve.`, color: MUTED });
  panels.forEach((p, k) => {
    const ox = left + (k % cols) * (pw + padL + gap) + padL;
    const oy = top + Math.floor(k / cols) * (ph + padT + padB + gap) + padT;
    const lines = r.methods.map((mm, i) => {
      const c = r.cells.find((cc) => cc.method === mm.method && cc.metric === p.metric && cc.status === 'ok');
      const cv = c?.curves?.find((q) => q.label === p.label);
      return cv ? { i, x: cv.x, y: meanCurve(cv.y), ...(cv.xNames ? { names: cv.xNames } : {}) } : undefined;
    }).filter((l): l is Line => l !== undefined && l.x.length > 0);
    const xs = lines.flatMap((l) => [...l.x]);
    const ys = lines.flatMap((l) => l.y);
    const yt = niceTicks(Math.min(...ys), Math.max(...ys), 5);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const [y0, y1] = [Math.min(yt[0]!, ...ys), Math.max(yt.at(-1)!, ...ys)];
    const sx = (v: number) => ox + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * pw;
    const sy = (v: number) => oy + ph - (y1 === y0 ? 0.5 : (v - y0) / (y1 - y0)) * ph;
    items.push({ kind: 'text', x: ox, y: oy - 10, text: `${p.metric}: ${p.label}`, bold: true });
    for (const t of yt) {
      items.push({ kind: 'line', x1: ox, y1: sy(t), x2: ox + pw, y2: sy(t), color: GRID });
      items.push({ kind: 'text', x: ox - 6, y: sy(t) + 4, text: formatNumber(t, 3), anchor: 'end', color: MUTED });
    }
    for (const t of xTicks(lines, x0, x1)) items.push({ kind: 'text', x: sx(t.x), y: oy + ph + 15, text: t.text, anchor: 'middle', color: MUTED });
    items.push({ kind: 'rect', x: ox, y: oy, w: pw, h: ph, stroke: MUTED });
    items.push({ kind: 'text', x: ox + pw / 2, y: oy + ph + 32, text: p.xLabel, anchor: 'middle' });
    for (const l of lines) {
      const color = categorical(l.i);
      for (let j = 1; j < l.x.length; j++) items.push({ kind: 'line', x1: sx(l.x[j - 1]!), y1: sy(l.y[j - 1]!), x2: sx(l.x[j]!), y2: sy(l.y[j]!), color, ...(r.methods[l.i]!.control ? { dash: true } : {}) });
      const shape = markerOf(l.i);
      if (shape) {
        const every = Math.max(1, Math.round((l.x.length - 1) / 5));
        for (let j = 0; j < l.x.length; j += every) items.push({ kind: 'marker', x: sx(l.x[j]!), y: sy(l.y[j]!), r: 3, shape, fill: color });
      }
    }
  });
  const rowsOfPanels = Math.ceil(panels.length / cols);
  // Legend: the colours of the methods drawn (controls dashed).
  drawn.forEach((i, k) => {
    const mm = r.methods[i]!;
    const y = top + padT + 6 + k * 18;
    items.push({ kind: 'line', x1: legendX, y1: y - 4, x2: legendX + 22, y2: y - 4, color: categorical(i), ...(mm.control ? { dash: true } : {}) });
    const shape = markerOf(i);
    if (shape) items.push({ kind: 'marker', x: legendX + 11, y: y - 4, r: 3, shape, fill: categorical(i) });
    items.push({ kind: 'text', x: legendX + 28, y, text: mm.method, ...(mm.control ? { color: MUTED } : {}) });
  });
  const height = Math.max(top + rowsOfPanels * (ph + padT + padB + gap), top + padT + drawn.length * 18 + 16);
  return { width: Math.ceil(width), height: Math.ceil(height), title, items };
}

export function metricHeatTableSvg(r: EvaluateResult, o: MetricPictureOptions = {}): string {
  return sceneSvg(heatScene(r, o));
}

export function metricHeatTablePng(r: EvaluateResult, o: MetricPictureOptions = {}): Uint8Array {
  return scenePng(heatScene(r, o));
}

/** Whether `r` has curves to draw (`metricCurvesSvg` refuses otherwise). */
export function hasMetricCurves(r: EvaluateResult): boolean {
  return curvePanels(r).length > 0;
}

export function metricCurvesSvg(r: EvaluateResult, o: MetricPictureOptions = {}): string {
  return sceneSvg(curvesScene(r, o));
}

export function metricCurvesPng(r: EvaluateResult, o: MetricPictureOptions = {}): Uint8Array {
  return scenePng(curvesScene(r, o));
}
