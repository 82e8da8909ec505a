/**
 * Pictures of model internals: the TCAV bar chart (per concept × layer: the mean TCAV score
 * over the runs with a ±1 std whisker and the runs as dots, next to the random baseline of the
 * layer in grey; above each pair "*" when significant, else "n.s.", and the p-value), the
 * activation cluster map (a 2-D scatter: fill colour = cluster, marker shape = true label) and
 * the exemplar grid (one row of example images per cluster, nearest its centroid first).
 * Each is one Scene drawn as SVG and PNG (scene.ts).
 */
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { createRaster, setPixel } from './raster.js';
import type { Raster, Rgb } from './raster.js';
import { categorical, labelWidth, scenePng, sceneSvg, type MarkerShape, type Scene, type SceneItem } from './scene.js';
import { formatNumber, niceTicks } from './svg.js';

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];
const GREY: Rgb = [170, 170, 170];
const MUTED: Rgb = [110, 110, 110];

export interface TcavChartCell {
  readonly concept: string;
  readonly layer: string;
  readonly mean: number;
  readonly std: number;
  readonly scores?: readonly number[];
  readonly pValue: number;
  readonly significant: boolean;
}
export interface TcavChartInput {
  readonly cells: readonly TcavChartCell[];
  /** Random baseline per layer. */
  readonly random: readonly { readonly layer: string; readonly mean: number; readonly std: number; readonly scores?: readonly number[] }[];
  readonly title?: string;
  /** Shown under the title, e.g. the target class. */
  readonly subtitle?: string;
  /** What the series (the `layer` field) are, in the legend (default 'layer'). */
  readonly seriesLabel?: string;
}

function tcavScene(input: TcavChartInput): Scene {
  if (input.cells.length === 0) throw new InvalidArgumentError('TCAV chart: no results');
  const concepts = [...new Set(input.cells.map((c) => c.concept))];
  const layers = [...new Set(input.cells.map((c) => c.layer))];
  const title = input.title ?? 'TCAV scores';
  const items: SceneItem[] = [];
  const barW = 22, pairGap = 6, layerGap = 16, groupGap = 34;
  const left = 48, top = input.subtitle ? 84 : 66, plotH = 220;
  const groupW = layers.length * (2 * barW + pairGap) + (layers.length - 1) * layerGap;
  const conceptW = Math.max(...concepts.map((c) => labelWidth(c)));
  const slot = Math.max(groupW, conceptW + 8);
  const plotW = concepts.length * slot + (concepts.length + 1) * groupGap;
  const legendItems = [...layers.map((l, i) => ({ label: `${input.seriesLabel ?? 'layer'} ${l}`, color: categorical(i) })), { label: 'random baseline (mean ± std)', color: GREY }];
  const legendW = legendItems.reduce((a, it) => a + 18 + labelWidth(it.label) + 14, 0);
  const width = Math.max(left + plotW + 20, legendW + 40, labelWidth(title, true) + 40);
  const y = (v: number) => top + plotH - v * plotH;
  items.push({ kind: 'text', x: 16, y: 24, text: title, bold: true, big: true });
  if (input.subtitle) items.push({ kind: 'text', x: 16, y: 42, text: input.subtitle, color: MUTED });
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    items.push({ kind: 'line', x1: left, y1: y(t), x2: left + plotW, y2: y(t), color: t === 0 ? INK : GRID, dash: t === 0.5 });
    items.push({ kind: 'text', x: left - 6, y: y(t) + 4, text: formatNumber(t), anchor: 'end' });
  }
  items.push({ kind: 'line', x1: left, y1: y(0), x2: left, y2: y(1), color: INK });
  const bar = (x: number, mean: number, std: number, color: Rgb, scores?: readonly number[]) => {
    const m = Math.max(0, Math.min(1, mean));
    items.push({ kind: 'rect', x, y: y(m), w: barW, h: Math.max(1.5, y(0) - y(m)), fill: color });
    const lo = Math.max(0, mean - std), hi = Math.min(1, mean + std);
    const cx = x + barW / 2;
    if (std > 0) {
      items.push({ kind: 'line', x1: cx, y1: y(lo), x2: cx, y2: y(hi), color: INK });
      items.push({ kind: 'line', x1: cx - 5, y1: y(lo), x2: cx + 5, y2: y(lo), color: INK });
      items.push({ kind: 'line', x1: cx - 5, y1: y(hi), x2: cx + 5, y2: y(hi), color: INK });
    }
    scores?.forEach((s, i) => items.push({ kind: 'marker', x: x + 4 + ((i * 5) % (barW - 8)), y: y(Math.max(0, Math.min(1, s))), r: 1.6, shape: 'circle', fill: INK }));
  };
  concepts.forEach((concept, ci) => {
    const gx = left + groupGap + ci * (slot + groupGap) + (slot - groupW) / 2;
    layers.forEach((layer, li) => {
      const cell = input.cells.find((c) => c.concept === concept && c.layer === layer);
      const rnd = input.random.find((r) => r.layer === layer);
      const x = gx + li * (2 * barW + pairGap + layerGap);
      if (!cell) return;
      bar(x, cell.mean, cell.std, categorical(li), cell.scores);
      if (rnd) bar(x + barW + pairGap, rnd.mean, rnd.std, GREY, rnd.scores);
      const topY = Math.min(y(Math.min(1, cell.mean + cell.std)), rnd ? y(Math.min(1, rnd.mean + rnd.std)) : Infinity);
      const mid = x + barW + pairGap / 2;
      items.push({ kind: 'text', x: mid, y: topY - 17, text: cell.significant ? '*' : 'n.s.', anchor: 'middle', bold: cell.significant, big: cell.significant });
      items.push({ kind: 'text', x: mid, y: topY - 5, text: `p=${cell.pValue < 0.001 ? cell.pValue.toExponential(0) : formatNumber(cell.pValue, 2)}`, anchor: 'middle', color: MUTED });
    });
    items.push({ kind: 'text', x: gx + groupW / 2, y: y(0) + 16, text: concept, anchor: 'middle', bold: true });
  });
  items.push({ kind: "text", x: 12, y: top - 30, text: "TCAV score", color: MUTED });
  let lx = 16;
  const ly = y(0) + 38;
  for (const it of legendItems) {
    items.push({ kind: 'rect', x: lx, y: ly - 9, w: 12, h: 12, fill: it.color });
    items.push({ kind: 'text', x: lx + 17, y: ly + 1, text: it.label });
    lx += 18 + labelWidth(it.label) + 14;
  }
  items.push({ kind: 'text', x: 16, y: ly + 20, text: '* p < 0.05 (two-sided t-test vs random); dots: runs; whiskers: ± 1 std', color: MUTED });
  return { width: Math.max(width, 470), height: ly + 30, title, items };
}

export function tcavChartSvg(input: TcavChartInput): string {
  return sceneSvg(tcavScene(input));
}
export function tcavChartPng(input: TcavChartInput): Uint8Array {
  return scenePng(tcavScene(input));
}

export interface ClusterMapInput {
  /** n × 2 map coordinates, row-major. */
  readonly points: ArrayLike<number>;
  readonly assignments: readonly number[];
  /** True labels (marker shape); optional. */
  readonly labels?: readonly number[];
  readonly labelNames?: readonly string[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

const SHAPES: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];

function clusterScene(input: ClusterMapInput): Scene {
  const n = input.assignments.length;
  if (n === 0) throw new InvalidArgumentError('cluster map: no points');
  if (input.points.length !== 2 * n) throw new ShapeError(`cluster map: ${input.points.length / 2} points for ${n} assignments`);
  if (input.labels && input.labels.length !== n) throw new ShapeError(`cluster map: ${input.labels.length} labels for ${n} points`);
  const title = input.title ?? 'Activation clusters';
  const items: SceneItem[] = [];
  const left = 54, top = 44, size = 320;
  const xs = Array.from({ length: n }, (_, i) => input.points[2 * i]!);
  const ys = Array.from({ length: n }, (_, i) => input.points[2 * i + 1]!);
  const range = (v: number[]) => {
    let lo = Math.min(...v), hi = Math.max(...v);
    if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
    const pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad] as const;
  };
  const [x0, x1] = range(xs);
  const [y0, y1] = range(ys);
  const sx = (v: number) => left + ((v - x0) / (x1 - x0)) * size;
  const sy = (v: number) => top + size - ((v - y0) / (y1 - y0)) * size;
  items.push({ kind: 'text', x: 16, y: 24, text: title, bold: true, big: true });
  items.push({ kind: 'rect', x: left, y: top, w: size, h: size, stroke: GREY });
  for (const t of niceTicks(x0, x1, 5)) {
    if (t < x0 || t > x1) continue;
    items.push({ kind: 'line', x1: sx(t), y1: top + size, x2: sx(t), y2: top + size + 4, color: INK });
    items.push({ kind: 'text', x: sx(t), y: top + size + 16, text: formatNumber(t, 2), anchor: 'middle' });
  }
  for (const t of niceTicks(y0, y1, 5)) {
    if (t < y0 || t > y1) continue;
    items.push({ kind: 'line', x1: left - 4, y1: sy(t), x2: left, y2: sy(t), color: INK });
    items.push({ kind: 'text', x: left - 6, y: sy(t) + 4, text: formatNumber(t, 2), anchor: 'end' });
  }
  items.push({ kind: 'text', x: left + size / 2, y: top + size + 32, text: input.xLabel ?? 'PC 1', anchor: 'middle', color: MUTED });
  items.push({ kind: 'text', x: left, y: top - 6, text: input.yLabel ?? 'PC 2', color: MUTED });
  for (let i = 0; i < n; i++) {
    const shape = input.labels ? SHAPES[((input.labels[i]! % SHAPES.length) + SHAPES.length) % SHAPES.length]! : 'circle';
    items.push({ kind: 'marker', x: sx(xs[i]!), y: sy(ys[i]!), r: 3.6, shape, fill: categorical(input.assignments[i]!), stroke: [40, 40, 40] });
  }
  // Legend: clusters (colour) and labels (shape).
  const k = Math.max(...input.assignments) + 1;
  const lx = left + size + 24;
  let ly = top + 8;
  items.push({ kind: 'text', x: lx, y: ly, text: 'cluster (colour)', bold: true });
  for (let c = 0; c < k; c++) {
    ly += 18;
    const count = input.assignments.filter((a) => a === c).length;
    items.push({ kind: 'marker', x: lx + 6, y: ly - 4, r: 5, shape: 'circle', fill: categorical(c) });
    items.push({ kind: 'text', x: lx + 18, y: ly, text: `${c} (${count})` });
  }
  let legendW = labelWidth('cluster (colour)');
  if (input.labels) {
    ly += 28;
    items.push({ kind: 'text', x: lx, y: ly, text: 'true label (shape)', bold: true });
    legendW = Math.max(legendW, labelWidth('true label (shape)'));
    for (const l of [...new Set(input.labels)].sort((a, b) => a - b)) {
      ly += 18;
      const name = input.labelNames?.[l] ?? `label ${l}`;
      items.push({ kind: 'marker', x: lx + 6, y: ly - 4, r: 4.5, shape: SHAPES[((l % SHAPES.length) + SHAPES.length) % SHAPES.length]!, fill: [255, 255, 255], stroke: INK });
      items.push({ kind: 'text', x: lx + 18, y: ly, text: name });
      legendW = Math.max(legendW, 18 + labelWidth(name));
    }
  }
  return { width: Math.max(lx + legendW + 16, labelWidth(title, true) + 32), height: Math.max(top + size + 44, ly + 16), title, items };
}

export function clusterMapSvg(input: ClusterMapInput): string {
  return sceneSvg(clusterScene(input));
}
export function clusterMapPng(input: ClusterMapInput): Uint8Array {
  return scenePng(clusterScene(input));
}

export interface ExemplarGridInput {
  /** Images [N, H, W], [N, H, W, C] (NHWC) or [N, C, H, W] (NCHW) with C = 1 or 3. */
  readonly images: Tensor;
  readonly layout?: 'NHWC' | 'NCHW';
  /** Per cluster, the example indices shown (left to right). */
  readonly exemplars: readonly (readonly number[])[];
  /** Label under each row's name, e.g. "12 examples, mostly plus". */
  readonly rowNotes?: readonly string[];
  readonly title?: string;
  /** Tile side in layout pixels (default 48). */
  readonly tile?: number;
}

/** Example i as an RGB raster, min–max normalised over the whole batch. */
function imageRasters(t: Tensor, layout: 'NHWC' | 'NCHW'): (i: number) => Raster {
  const s = t.shape;
  let h: number, w: number, c: number;
  if (s.length === 3) [h, w, c] = [s[1]!, s[2]!, 1];
  else if (s.length === 4 && layout === 'NHWC') [h, w, c] = [s[1]!, s[2]!, s[3]!];
  else if (s.length === 4) [c, h, w] = [s[1]!, s[2]!, s[3]!];
  else throw new ShapeError(`exemplar grid: images must be [N, H, W] or [N, ...image] with 3 dims per image (got [${s.join(', ')}])`);
  if (c !== 1 && c !== 3) throw new ShapeError(`exemplar grid: images need 1 or 3 channels (got ${c})`);
  let lo = Infinity, hi = -Infinity;
  for (const v of t.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const per = h * w * c;
  return (i) => {
    const r = createRaster(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const at = (k: number) => t.data[i * per + (layout === 'NHWC' || s.length === 3 ? (y * w + x) * c + k : k * h * w + y * w + x)]!;
        const rgb = [0, 1, 2].map((k) => Math.round(((at(c === 1 ? 0 : k) - lo) / span) * 255)) as [number, number, number];
        setPixel(r, x, y, rgb);
      }
    }
    return r;
  };
}

function exemplarScene(input: ExemplarGridInput): Scene {
  const n = input.images.shape[0] ?? 0;
  if (input.exemplars.length === 0) throw new InvalidArgumentError('exemplar grid: no clusters');
  for (const row of input.exemplars) for (const i of row) if (!Number.isInteger(i) || i < 0 || i >= n) throw new InvalidArgumentError(`exemplar grid: example ${i} is out of range [0, ${n})`);
  const raster = imageRasters(input.images, input.layout ?? 'NCHW');
  const tile = input.tile ?? 48;
  const title = input.title ?? 'Cluster exemplars (nearest the centroid first)';
  const names = input.exemplars.map((_, c) => `cluster ${c}`);
  const labelW = Math.max(...names.map((s) => labelWidth(s)), ...(input.rowNotes ?? []).map((s) => labelWidth(s))) + 16;
  const cols = Math.max(1, ...input.exemplars.map((r) => r.length));
  const items: SceneItem[] = [{ kind: 'text', x: 16, y: 24, text: title, bold: true, big: true }];
  const top = 40;
  input.exemplars.forEach((row, c) => {
    const y = top + c * (tile + 10);
    items.push({ kind: 'rect', x: 12, y: y + tile / 2 - 16, w: 10, h: 10, fill: categorical(c) });
    items.push({ kind: 'text', x: 28, y: y + tile / 2 - 6, text: names[c]!, bold: true });
    if (input.rowNotes?.[c]) items.push({ kind: 'text', x: 28, y: y + tile / 2 + 10, text: input.rowNotes[c]!, color: MUTED });
    row.forEach((i, j) => {
      const x = 16 + labelW + j * (tile + 6);
      items.push({ kind: 'image', x, y, w: tile, h: tile, raster: raster(i) });
      items.push({ kind: 'rect', x: x - 1, y: y - 1, w: tile + 2, h: tile + 2, stroke: categorical(c) });
    });
  });
  return { width: Math.max(16 + labelW + cols * (tile + 6) + 10, labelWidth(title, true) + 32), height: top + input.exemplars.length * (tile + 10) + 6, title, items };
}

export function clusterExemplarGridSvg(input: ExemplarGridInput): string {
  return sceneSvg(exemplarScene(input));
}
export function clusterExemplarGridPng(input: ExemplarGridInput): Uint8Array {
  return scenePng(exemplarScene(input));
}
