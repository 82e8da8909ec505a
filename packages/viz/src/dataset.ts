/**
 * Attributions over a dataset (SHAP's standard views), as SVG:
 * - beeswarm summary: one row per feature (ordered by mean |attribution|), one dot per example
 *   at its attribution, stacked where dots collide, coloured by the example's feature value
 *   (sequential map, low = dark violet, high = yellow; per feature between its 5th and 95th
 *   percentile);
 * - dependence plot: a feature's value (x) against its attribution (y), coloured by another
 *   feature ('auto' picks the strongest interaction: see `interactionFeature`).
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { colorBarSvg, colorBarSvgLayout } from './colorbar.js';
import { ellipsize, placeText, shiftLabels, svgFont, svgLabel, svgTitle } from './labels.js';
import { sequentialColor } from './sequential.js';
import { escapeXml, formatNumber, niceTicks, px, rgbCss, svgDocument, svgText, textWidth } from './svg.js';

/** [N, F] numbers: a rank-2 tensor or an array of rows. */
export type Matrix = Tensor | readonly (readonly number[])[];

interface Mat {
  readonly n: number;
  readonly f: number;
  get(i: number, j: number): number;
}

function toMat(m: Matrix, what: string): Mat {
  if ('shape' in m && 'data' in m) {
    if (m.shape.length !== 2) throw new ShapeError(`${what} must be [N, F], got [${m.shape.join(', ')}]`);
    const [n, f] = [m.shape[0]!, m.shape[1]!];
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) throw new NumericError(`${what} contains a non-finite value at index ${i}`);
    }
    return { n, f, get: (i, j) => m.data[i * f + j]! };
  }
  const rows = m as readonly (readonly number[])[];
  const f = rows[0]?.length ?? 0;
  rows.forEach((r, i) => {
    if (r.length !== f) throw new ShapeError(`${what} row ${i} has ${r.length} values, expected ${f}`);
    r.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new NumericError(`${what}[${i}][${j}] is not a finite number`);
    });
  });
  return { n: rows.length, f, get: (i, j) => rows[i]![j]! };
}

export interface DatasetPlotOptions {
  /** Input feature values, same [N, F] shape as the attributions (colours dots). */
  readonly featureValues?: Matrix;
  readonly featureNames?: readonly string[];
  readonly title?: string;
}

export interface BeeswarmOptions extends DatasetPlotOptions {
  /** Rows drawn (most important first; default 12). */
  readonly maxFeatures?: number;
  /** Dots drawn per feature; larger datasets are thinned with an even stride (default 1000). */
  readonly maxPoints?: number;
}

function prepare(attributions: Matrix, options: DatasetPlotOptions) {
  const a = toMat(attributions, 'attributions');
  if (a.n === 0 || a.f === 0) throw new ShapeError('attributions are empty');
  const v = options.featureValues ? toMat(options.featureValues, 'featureValues') : undefined;
  if (v && (v.n !== a.n || v.f !== a.f)) throw new ShapeError(`featureValues are [${v.n}, ${v.f}] but attributions are [${a.n}, ${a.f}]`);
  const names = options.featureNames;
  if (names && names.length !== a.f) throw new ShapeError(`got ${names.length} feature names for ${a.f} features`);
  const name = (j: number) => (names ? String(names[j]) : `feature ${j}`);
  return { a, v, name };
}

/** Lower/upper percentiles of a column (for robust colour scaling). */
function colRange(m: Mat, j: number): [number, number] {
  const col = Float64Array.from({ length: m.n }, (_, i) => m.get(i, j)).sort();
  const q = (p: number) => col[Math.min(col.length - 1, Math.max(0, Math.round(p * (col.length - 1))))]!;
  let lo = q(0.05);
  let hi = q(0.95);
  if (hi <= lo) [lo, hi] = [col[0]!, col[col.length - 1]!];
  return [lo, hi];
}
function unit(v: number, [lo, hi]: [number, number]): number {
  return hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
}

function axisTicks(lo: number, hi: number) {
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  const ticks = niceTicks(lo - pad, hi + pad, 6);
  return { lo: Math.min(lo - pad, ticks[0]!), hi: Math.max(hi + pad, ticks[ticks.length - 1]!), ticks };
}

/** Order of features by mean |attribution| (descending). */
export function featureImportanceOrder(attributions: Matrix): number[] {
  const a = toMat(attributions, 'attributions');
  const mean = Array.from({ length: a.f }, (_, j) => {
    let s = 0;
    for (let i = 0; i < a.n; i++) s += Math.abs(a.get(i, j));
    return s / Math.max(1, a.n);
  });
  return mean.map((_, j) => j).sort((x, y) => mean[y]! - mean[x]! || x - y);
}

/** SHAP-style beeswarm summary plot (see the module comment). */
export function beeswarmSvg(attributions: Matrix, options: BeeswarmOptions = {}): string {
  const { a, v, name } = prepare(attributions, options);
  const maxF = options.maxFeatures ?? 12;
  const maxP = options.maxPoints ?? 1000;
  if (!Number.isInteger(maxF) || maxF < 1) throw new InvalidArgumentError(`maxFeatures must be a positive integer, got ${maxF}`);
  if (!Number.isInteger(maxP) || maxP < 1) throw new InvalidArgumentError(`maxPoints must be a positive integer, got ${maxP}`);
  const order = featureImportanceOrder(attributions).slice(0, maxF);
  let lo = Infinity;
  let hi = -Infinity;
  for (const j of order) for (let i = 0; i < a.n; i++) [lo, hi] = [Math.min(lo, a.get(i, j)), Math.max(hi, a.get(i, j))];
  const ax = axisTicks(Math.min(lo, 0), Math.max(hi, 0));
  const nameFont = svgFont(11);
  const labelW = Math.ceil(Math.min(220, Math.max(70, ...order.map((j) => nameFont.measure(name(j)))))) + 14;
  const plotW = 420;
  const rowH = 34;
  const r = 2.5;
  const width = labelW + plotW + 30;
  const title = svgTitle(options.title, width);
  const top = options.title ? title.bottom + 8 : 12;
  const sx = (x: number) => labelW + ((x - ax.lo) / (ax.hi - ax.lo)) * plotW;
  const parts: string[] = [title.svg];
  const stride = Math.max(1, Math.ceil(a.n / maxP));
  order.forEach((j, row) => {
    const cy = top + row * rowH + rowH / 2;
    const range = v ? colRange(v, j) : ([0, 1] as [number, number]);
    parts.push(`<g class="feature-row" data-feature="${escapeXml(name(j))}" data-index="${j}">`);
    // the name right-aligned before the plot, on two lines if it needs them
    const lines = placeText(name(j), { x: 6, y: 0, width: labelW - 14 }, nameFont, { role: 'feature', align: 'end', maxLines: 2 });
    parts.push(...shiftLabels(lines.labels, 0, Math.round(cy - lines.height / 2)).map((l) => svgLabel(l)));
    parts.push(`<line x1="${px(labelW)}" y1="${px(cy)}" x2="${px(labelW + plotW)}" y2="${px(cy)}" stroke="#eee"/>`);
    const bins = new Map<number, number>();
    for (let i = 0; i < a.n; i += stride) {
      const x = sx(a.get(i, j));
      const bin = Math.round(x / (2 * r));
      const k = bins.get(bin) ?? 0;
      bins.set(bin, k + 1);
      const off = ((k % 2 === 0 ? 1 : -1) * Math.ceil(k / 2) * 2 * r) % (rowH / 2 - r);
      const fill = v ? rgbCss(sequentialColor(unit(v.get(i, j), range))) : '#777';
      parts.push(`<circle class="dot" cx="${px(x)}" cy="${px(cy + off)}" r="${r}" fill="${fill}" fill-opacity="0.85"/>`);
    }
    parts.push('</g>');
  });
  const by = top + order.length * rowH;
  const zx = sx(0);
  parts.push(`<line x1="${px(zx)}" y1="${px(top)}" x2="${px(zx)}" y2="${px(by)}" stroke="#999"/>`);
  parts.push(`<line x1="${px(labelW)}" y1="${px(by)}" x2="${px(labelW + plotW)}" y2="${px(by)}" stroke="#333"/>`);
  for (const t of ax.ticks) {
    parts.push(`<line x1="${px(sx(t))}" y1="${px(by)}" x2="${px(sx(t))}" y2="${px(by + 4)}" stroke="#333"/>`);
    parts.push(svgText(sx(t), by + 16, formatNumber(t), { anchor: 'middle', size: 10 }));
  }
  parts.push(svgText(labelW + plotW / 2, by + 32, 'attribution (impact on model output)', { anchor: 'middle', size: 11 }));
  // under the axis: the colour bar (or why the dots are gray), then how many examples are drawn
  let y = by + 50;
  if (v) {
    const spec = { colormap: 'sequential' as const, min: 0, max: 1, label: 'feature value', tickLabels: ['low', 'high'] };
    parts.push(colorBarSvg(spec, labelW, y, 200));
    y += colorBarSvgLayout(spec, labelW, y, 200).bounds.height + 8;
  } else {
    const t = placeText('no feature values given: dots are gray', { x: labelW, y, width: width - labelW - 10 }, nameFont, { role: 'note' });
    parts.push(...t.labels.map((l) => svgLabel(l, { fill: '#555' })));
    y += t.height + 6;
  }
  const note = order.length < a.f ? ` · top ${order.length} of ${a.f} features` : '';
  const count = placeText(`${a.n} examples${stride > 1 ? ` (every ${stride}th drawn)` : ''}${note}`, { x: labelW, y, width: width - labelW - 10 }, svgFont(10), { role: 'note' });
  parts.push(...count.labels.map((l) => svgLabel(l, { fill: '#555' })));
  const height = y + count.height + 10;
  return svgDocument(width, height, options.title ?? 'Attribution summary (beeswarm)', parts.join(''));
}

export interface DependenceOptions extends DatasetPlotOptions {
  /** Feature whose value colours the dots: index, name, 'auto' (default) or 'none'. */
  readonly colorBy?: number | string;
}

function featureIndex(f: number | string, names: readonly string[] | undefined, count: number, what: string): number {
  const j = typeof f === 'number' ? f : (names?.indexOf(f) ?? -1);
  if (!Number.isInteger(j) || j < 0 || j >= count) throw new InvalidArgumentError(`${what} '${String(f)}' is not one of the ${count} features`);
  return j;
}

function corr(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/**
 * The 'auto' colouring feature for a dependence plot of feature j: examples are sorted by the
 * value of j and cut into bins of about 10 consecutive examples; inside a bin feature j barely
 * changes, so what still moves its attribution is an interaction. The feature whose values
 * correlate most with the attribution inside the bins (sum of |correlation| over bins) wins.
 */
export function interactionFeature(attributions: Matrix, featureValues: Matrix, j: number): number | undefined {
  const a = toMat(attributions, 'attributions');
  const v = toMat(featureValues, 'featureValues');
  const order = Array.from({ length: a.n }, (_, i) => i).sort((p, q) => v.get(p, j) - v.get(q, j) || p - q);
  const bins = Math.max(1, Math.floor(a.n / 10));
  const size = Math.ceil(a.n / bins);
  let best: number | undefined;
  let bestScore = -1;
  for (let k = 0; k < a.f; k++) {
    if (k === j) continue;
    let score = 0;
    for (let start = 0; start < a.n; start += size) {
      const idx = order.slice(start, start + size);
      if (idx.length < 3) continue;
      score += Math.abs(corr(idx.map((i) => v.get(i, k)), idx.map((i) => a.get(i, j))));
    }
    if (score > bestScore) [best, bestScore] = [k, score];
  }
  return best;
}

/** SHAP-style dependence plot of one feature (see the module comment). Needs featureValues. */
export function dependencePlotSvg(attributions: Matrix, feature: number | string, options: DependenceOptions = {}): string {
  const { a, v, name } = prepare(attributions, options);
  if (!v) throw new InvalidArgumentError('a dependence plot needs featureValues');
  const j = featureIndex(feature, options.featureNames, a.f, 'feature');
  const cb = options.colorBy ?? 'auto';
  const c =
    cb === 'none' ? undefined : cb === 'auto' ? interactionFeature(attributions, options.featureValues!, j) : featureIndex(cb, options.featureNames, a.f, 'colorBy');
  const xs = Array.from({ length: a.n }, (_, i) => v.get(i, j));
  const ys = Array.from({ length: a.n }, (_, i) => a.get(i, j));
  const ax = axisTicks(Math.min(...xs), Math.max(...xs));
  const ay = axisTicks(Math.min(...ys, 0), Math.max(...ys, 0));
  const left = 64;
  const plotW = 420;
  const plotH = 280;
  const width = left + plotW + 24;
  const title = svgTitle(options.title, width);
  const top = options.title ? title.bottom + 8 : 14;
  const sx = (x: number) => left + ((x - ax.lo) / (ax.hi - ax.lo)) * plotW;
  const sy = (y: number) => top + plotH - ((y - ay.lo) / (ay.hi - ay.lo)) * plotH;
  const parts: string[] = [title.svg];
  parts.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  parts.push(`<line x1="${left}" y1="${px(sy(0))}" x2="${left + plotW}" y2="${px(sy(0))}" stroke="#bbb" stroke-dasharray="3,3"/>`);
  for (const t of ax.ticks) parts.push(svgText(sx(t), top + plotH + 16, formatNumber(t), { anchor: 'middle', size: 10 }));
  for (const t of ay.ticks) parts.push(svgText(left - 6, sy(t) + 4, formatNumber(t), { anchor: 'end', size: 10 }));
  const xLabel = placeText(`${name(j)} (feature value)`, { x: left, y: top + plotH + 23, width: plotW }, svgFont(11), { role: 'axis', align: 'middle', maxLines: 2 });
  parts.push(...xLabel.labels.map((l) => svgLabel(l)));
  // the rotated y label cannot wrap: cut to the plot's height as a last resort
  const yText = ellipsize(`attribution of ${name(j)}`, plotH, svgFont(11));
  parts.push(svgText(16, top + plotH / 2, yText, { anchor: 'middle', size: 11, extra: ` transform="rotate(-90 16 ${px(top + plotH / 2)})"` }));
  const below = top + plotH + 23 + xLabel.height + 12;
  const range = c !== undefined ? colRange(v, c) : ([0, 1] as [number, number]);
  parts.push(`<g class="points" data-feature="${escapeXml(name(j))}"${c !== undefined ? ` data-color-by="${escapeXml(name(c))}"` : ''}>`);
  for (let i = 0; i < a.n; i++) {
    const fill = c !== undefined ? rgbCss(sequentialColor(unit(v.get(i, c), range))) : '#555';
    parts.push(`<circle class="dot" cx="${px(sx(xs[i]!))}" cy="${px(sy(ys[i]!))}" r="3" fill="${fill}" fill-opacity="0.85"/>`);
  }
  parts.push('</g>');
  let height: number;
  if (c !== undefined) {
    const spec = { colormap: 'sequential' as const, min: range[0], max: range[1], label: `${name(c)} (colour)` };
    parts.push(colorBarSvg(spec, left, below, 220));
    height = below + colorBarSvgLayout(spec, left, below, 220).bounds.height + 12;
  } else {
    parts.push(svgText(left, below + 12, 'dots are not coloured', { size: 10, fill: '#555' }));
    height = below + 26;
  }
  return svgDocument(width, height, options.title ?? `Dependence plot: ${name(j)}`, parts.join(''));
}
