/**
 * Activation statistics per layer on a dataset ("activation function analysis"), computed from
 * activations the caller collected (e.g. `model.activations(x, layers)`), and drawn as an SVG
 * table with inline bars.
 *
 * - mean / std / min / max over every element of the layer's output on the whole batch;
 * - zeroFraction: share of elements exactly 0;
 * - ReLU layers: deadFraction = share of units (each position of the per-example output,
 *   i.e. every non-batch index) that are <= 0 for every example in the dataset;
 * - Sigmoid / Tanh layers: saturatedFraction = share of elements in the flat tails where the
 *   derivative nearly vanishes: sigmoid y < s or y > 1 - s, tanh |y| > 1 - s (s = 0.01 by default).
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import type { Graph, Tensor } from '@glasswing/core';
import { divergingColor } from './colormap.js';
import { ellipsize, placeText, svgFont, svgLabel, svgTitle } from './labels.js';
import { escapeXml, formatNumber, px, rgbCss, svgDocument, svgText } from './svg.js';

export interface ActivationStats {
  readonly layer: string;
  readonly op: string;
  /** Examples (batch size) and units per example. */
  readonly examples: number;
  readonly units: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly zeroFraction: number;
  /** ReLU layers only. */
  readonly deadFraction?: number;
  readonly deadUnits?: number;
  /** Sigmoid / Tanh layers only. */
  readonly saturatedFraction?: number;
}

export interface ActivationStatsOptions {
  /** Saturation margin s (default 0.01). */
  readonly saturation?: number;
}

/** Statistics for every layer in `activationsByLayer` (graph node order; see the module comment). */
export function activationStats(
  graph: Graph,
  activationsByLayer: Readonly<Record<string, Tensor>>,
  options: ActivationStatsOptions = {},
): ActivationStats[] {
  const s = options.saturation ?? 0.01;
  if (!(s > 0 && s < 0.5)) throw new InvalidArgumentError(`saturation must be in (0, 0.5), got ${s}`);
  const nodes = new Map(graph.nodes.map((n) => [n.name, n]));
  for (const name of Object.keys(activationsByLayer)) {
    if (!nodes.has(name)) throw new InvalidArgumentError(`'${name}' is not a layer of graph '${graph.name}'`);
  }
  const out: ActivationStats[] = [];
  for (const node of graph.nodes) {
    const t = activationsByLayer[node.name];
    if (!t) continue;
    if (t.shape.length < 1 || t.shape[0]! < 1) throw new ShapeError(`activation of '${node.name}' has no examples: [${t.shape.join(', ')}]`);
    const n = t.shape[0]!;
    const units = t.data.length / n;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let zeros = 0;
    let sat = 0;
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i]!;
      if (!Number.isFinite(v)) throw new NumericError(`activation of '${node.name}' has a non-finite value at index ${i}`);
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
      if (v === 0) zeros++;
      if (node.op === 'Sigmoid' ? v < s || v > 1 - s : node.op === 'Tanh' ? Math.abs(v) > 1 - s : false) sat++;
    }
    const count = t.data.length;
    const mean = count ? sum / count : 0;
    let ss = 0;
    for (let i = 0; i < count; i++) ss += (t.data[i]! - mean) ** 2;
    const base = {
      layer: node.name,
      op: node.op,
      examples: n,
      units,
      mean,
      std: count ? Math.sqrt(ss / count) : 0,
      min: count ? min : 0,
      max: count ? max : 0,
      zeroFraction: count ? zeros / count : 0,
    };
    if (node.op === 'Relu') {
      let dead = 0;
      for (let u = 0; u < units; u++) {
        let alive = false;
        for (let e = 0; e < n && !alive; e++) alive = t.data[e * units + u]! > 0;
        if (!alive) dead++;
      }
      out.push({ ...base, deadUnits: dead, deadFraction: units ? dead / units : 0 });
    } else if (node.op === 'Sigmoid' || node.op === 'Tanh') {
      out.push({ ...base, saturatedFraction: count ? sat / count : 0 });
    } else {
      out.push(base);
    }
  }
  return out;
}

function pct(v: number | undefined): string {
  return v === undefined ? '–' : `${formatNumber(100 * v, 3)}%`;
}

/** The statistics as an SVG table; dead / saturated shares get red-orange bars (0–100%). */
export function activationStatsSvg(stats: readonly ActivationStats[], options: { title?: string } = {}): string {
  // text columns as wide as their widest entry (layer names up to 320 px, then cut), numbers 70 px
  const font = svgFont(11);
  const colW = (min: number, max: number, texts: readonly string[]) => Math.ceil(Math.min(max, Math.max(min, ...texts.map((t) => font.measure(t) + 10))));
  const cols = [
    { key: 'layer', w: colW(170, 320, stats.map((st) => st.layer)) }, { key: 'op', w: colW(90, 200, stats.map((st) => st.op)) },
    { key: 'mean', w: 70 }, { key: 'std', w: 70 },
    { key: 'min', w: 70 }, { key: 'max', w: 70 }, { key: 'zeros', w: 70 }, { key: 'dead ReLU', w: 130 }, { key: 'saturated', w: 130 },
  ];
  const rowH = 22;
  const width = cols.reduce((a, c) => a + c.w, 0) + 20;
  const heading = svgTitle(options.title ?? `Activation statistics (${stats[0]?.examples ?? 0} examples)`, width, { align: 'start' });
  const top = heading.bottom + 8;
  const parts = [heading.svg];
  let x = 10;
  for (const c of cols) {
    parts.push(svgText(x + 4, top + 15, c.key, { weight: '600', size: 11 }));
    x += c.w;
  }
  parts.push(`<line x1="10" y1="${top + rowH}" x2="${width - 10}" y2="${top + rowH}" stroke="#333"/>`);
  const warm = rgbCss(divergingColor(0.8));
  const bar = (v: number | undefined, x0: number, y: number) =>
    v === undefined
      ? svgText(x0 + 4, y + 15, '–', { size: 11, fill: '#999' })
      : `<rect x="${px(x0 + 4)}" y="${px(y + 5)}" width="60" height="12" fill="#eee"/>` +
        `<rect x="${px(x0 + 4)}" y="${px(y + 5)}" width="${px(60 * v)}" height="12" fill="${warm}"/>` +
        svgText(x0 + 70, y + 15, pct(v), { size: 11 });
  stats.forEach((st, r) => {
    const y = top + (r + 1) * rowH;
    const cells = [st.layer, st.op, formatNumber(st.mean), formatNumber(st.std), formatNumber(st.min), formatNumber(st.max), pct(st.zeroFraction)];
    parts.push(
      `<g class="stats-row" data-layer="${escapeXml(st.layer)}" data-dead="${st.deadFraction ?? ''}" data-saturated="${st.saturatedFraction ?? ''}">`,
    );
    if (r % 2 === 1) parts.push(`<rect x="10" y="${y}" width="${width - 20}" height="${rowH}" fill="#f6f6f6"/>`);
    let cx = 10;
    cells.forEach((text, i) => {
      parts.push(svgText(cx + 4, y + 15, ellipsize(text, cols[i]!.w - 8, font), { size: 11 }));
      cx += cols[i]!.w;
    });
    parts.push(bar(st.deadFraction, cx, y));
    parts.push(bar(st.saturatedFraction, cx + cols[7]!.w, y), '</g>');
  });
  const ly = top + (stats.length + 1) * rowH + 8;
  const note = placeText(
    'dead ReLU: share of units that never activate (<= 0 on every example); saturated: sigmoid output < 1% or > 99%, tanh |output| > 99%.',
    { x: 10, y: ly, width: width - 20 },
    svgFont(10),
    { role: 'legend' },
  );
  const sy = ly + note.height + 4;
  parts.push(
    `<g class="legend">${note.labels.map((l) => svgLabel(l, { fill: '#444' })).join('')}` +
      `<rect x="10" y="${sy}" width="12" height="10" fill="${warm}"/>${svgText(26, sy + 9, 'share (bar = 0–100%)', { size: 10, fill: '#444' })}</g>`,
  );
  const height = sy + 20;
  return svgDocument(width, height, options.title ?? 'Activation statistics', parts.join(''));
}
