/**
 * Weight views from the IR graph: per-tensor value histograms (SVG, TensorBoard-style small
 * multiples) and weight-matrix heatmaps (PNG; diverging map, symmetric around 0 at max |w|,
 * so nothing is clipped). Convolution kernels are drawn as a grid: one kh × kw tile per
 * (output channel, input channel), output channels down, input channels across.
 */
import { InvalidArgumentError, NumericError, ShapeError, attrLayout } from '@glasswing/core';
import type { Graph, Tensor } from '@glasswing/core';
import { colorBarLayout, drawColorBar } from './colorbar.js';
import { divergingColor } from './colormap.js';
import { blit, createRaster, encodeRasterPng, fillRect, upscale } from './raster.js';
import type { Raster } from './raster.js';
import { ellipsize, placeText, svgFont, svgLabel, svgTitle } from './labels.js';
import { escapeXml, formatNumber, niceTicks, px, svgDocument, svgText } from './svg.js';

export interface Histogram {
  /** bins + 1 edges, ascending. */
  readonly edges: readonly number[];
  readonly counts: readonly number[];
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

/** Histogram with equal-width bins over `range` (default [min, max]); the last bin includes its right edge. */
export function histogram(values: ArrayLike<number>, bins = 30, range?: readonly [number, number]): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new InvalidArgumentError(`bins must be a positive integer, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new NumericError(`value ${i} is not finite (${v})`);
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  const n = values.length;
  if (range) [lo, hi] = [range[0], range[1]];
  if (n === 0 && !range) [lo, hi] = [0, 1];
  if (!(hi > lo)) [lo, hi] = [lo - 0.5, lo + 0.5];
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  const mean = n ? sum / n : 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    ss += (v - mean) ** 2;
    if (v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]! += 1;
  }
  return { edges, counts, mean, std: n ? Math.sqrt(ss / n) : 0, n };
}

export interface HistogramOptions {
  readonly bins?: number;
  readonly range?: readonly [number, number];
  readonly title?: string;
  readonly xLabel?: string;
}

/** A count in at most 5 characters (12345 -> 12.3k, 1234567 -> 1.23M), to fit the y axis. */
function compactCount(n: number): string {
  if (n < 1e4) return String(n);
  const [v, unit] = n < 1e6 ? [n / 1e3, 'k'] : n < 1e9 ? [n / 1e6, 'M'] : [n / 1e9, 'G'];
  return `${v >= 100 ? Math.round(v) : v.toPrecision(3).replace(/\.?0+$/, '')}${unit}`;
}

/** One histogram as an SVG group of the given size at (x, y); returns markup. */
function histogramGroup(h: Histogram, x: number, y: number, w: number, hh: number, title: string, xLabel: string): string {
  const max = Math.max(1, ...h.counts);
  // the title wraps onto a second line when it needs one; the plot takes what is left
  const head = placeText(title, { x: x + 6, y: y + 3, width: w - 12 }, svgFont(12, true), { role: 'title', align: 'middle', maxLines: 2 });
  const top = y + 3 + head.height + 5;
  const plotH = hh - (top - y) - 42;
  const lo = h.edges[0]!;
  const hi = h.edges[h.edges.length - 1]!;
  const sx = (v: number) => x + 36 + ((v - lo) / (hi - lo)) * (w - 46);
  const parts = [`<g class="histogram" data-title="${escapeXml(title)}" data-n="${h.n}">`, ...head.labels.map((l) => svgLabel(l))];
  h.counts.forEach((c, i) => {
    const bh = (c / max) * plotH;
    parts.push(
      `<rect class="bin" data-count="${c}" x="${px(sx(h.edges[i]!))}" y="${px(top + plotH - bh)}" width="${px(Math.max(0.5, sx(h.edges[i + 1]!) - sx(h.edges[i]!) - 0.5))}" height="${px(bh)}" fill="#5b7fb5"/>`,
    );
  });
  parts.push(`<line x1="${px(x + 36)}" y1="${px(top + plotH)}" x2="${px(x + w - 10)}" y2="${px(top + plotH)}" stroke="#333"/>`);
  parts.push(`<line x1="${px(x + 36)}" y1="${px(top)}" x2="${px(x + 36)}" y2="${px(top + plotH)}" stroke="#333"/>`);
  parts.push(svgText(x + 32, top + 8, compactCount(max), { anchor: 'end', size: 9 }), svgText(x + 32, top + plotH, '0', { anchor: 'end', size: 9 }));
  parts.push(svgText(x + 8, top + plotH / 2, 'count', { anchor: 'middle', size: 9, extra: ` transform="rotate(-90 ${px(x + 8)} ${px(top + plotH / 2)})"` }));
  for (const t of niceTicks(lo, hi, 4)) parts.push(svgText(sx(t), top + plotH + 12, formatNumber(t, 2), { anchor: 'middle', size: 9 }));
  parts.push(svgText(x + w / 2, top + plotH + 25, ellipsize(xLabel, w - 12, svgFont(10)), { anchor: 'middle', size: 10 }));
  parts.push(svgText(x + w / 2, top + plotH + 38, `n=${h.n} mean=${formatNumber(h.mean)} std=${formatNumber(h.std)}`, { anchor: 'middle', size: 9, fill: '#555' }));
  parts.push('</g>');
  return parts.join('');
}

/** A single histogram as an SVG document. */
export function histogramSvg(values: ArrayLike<number>, options: HistogramOptions = {}): string {
  const h = histogram(values, options.bins ?? 30, options.range);
  const title = options.title ?? 'Histogram';
  return svgDocument(320, 220, title, histogramGroup(h, 0, 0, 320, 220, title, options.xLabel ?? 'value'));
}

export interface LayerWeight {
  readonly layer: string;
  readonly op: string;
  /** Initializer name. */
  readonly tensor: string;
  readonly weight: Tensor;
  /** How to read a rank-4 kernel: OIHW (NCHW conv), HWIO (NHWC conv); 'matrix' otherwise. */
  readonly layout: 'OIHW' | 'HWIO' | 'IOHW' | 'HWOI' | 'matrix';
}

/** Every initializer used by a node, with its layer and kernel layout (first use only). */
export function layerWeights(graph: Graph): LayerWeight[] {
  const seen = new Set<string>();
  const out: LayerWeight[] = [];
  for (const node of graph.nodes) {
    for (const t of node.inputs) {
      const w = graph.initializers[t];
      if (!w || seen.has(t)) continue;
      seen.add(t);
      let layout: LayerWeight['layout'] = 'matrix';
      if (w.shape.length === 4 && (node.op === 'Conv' || node.op === 'ConvTranspose')) {
        const nhwc = attrLayout(node) === 'NHWC';
        layout = node.op === 'Conv' ? (nhwc ? 'HWIO' : 'OIHW') : nhwc ? 'HWOI' : 'IOHW';
      }
      out.push({ layer: node.name, op: node.op, tensor: t, weight: w, layout });
    }
  }
  return out;
}

/** Small-multiple histograms of every weight tensor in the graph (SVG). */
export function weightHistogramsSvg(graph: Graph, options: { bins?: number; columns?: number; title?: string } = {}): string {
  const ws = layerWeights(graph);
  const cols = Math.max(1, Math.min(options.columns ?? 3, ws.length || 1));
  const cw = 300;
  const ch = 200;
  const heading = svgTitle(options.title ?? `Weight distributions (${ws.length} tensors)`, cols * cw, { align: 'start' });
  const top = heading.bottom + 8;
  const parts = [heading.svg];
  ws.forEach((w, i) => {
    const h = histogram(w.weight.data, options.bins ?? 30);
    parts.push(histogramGroup(h, (i % cols) * cw, top + Math.floor(i / cols) * ch, cw, ch, `${w.layer} · ${w.tensor} [${w.weight.shape.join('×')}]`, 'weight value'));
  });
  if (ws.length === 0) parts.push(svgText(10, top + 20, 'this graph has no weights', { size: 12 }));
  return svgDocument(cols * cw, top + Math.max(1, Math.ceil(ws.length / cols)) * ch, options.title ?? 'Weight distributions', parts.join(''));
}

export interface WeightMatrixOptions {
  /** Layout of rank-4 kernels (default OIHW). */
  readonly layout?: LayerWeight['layout'];
  /** Minimum long side of the drawing in pixels (default 160). */
  readonly minSize?: number;
  /** Largest number of output / input channels drawn for kernels (default 32 each). */
  readonly maxChannels?: number;
  readonly colorBar?: boolean;
}

/** Weight heatmap raster: rank 1 = one row, rank 2 = [rows, cols], rank 4 = kernel grid. */
export function weightMatrix(weight: Tensor, options: WeightMatrixOptions = {}): Raster {
  const s = weight.shape;
  let max = 0;
  for (let i = 0; i < weight.data.length; i++) {
    const v = weight.data[i]!;
    if (!Number.isFinite(v)) throw new NumericError(`weight contains a non-finite value at index ${i}`);
    max = Math.max(max, Math.abs(v));
  }
  const scale = max > 0 ? max : 1;
  const color = (v: number) => divergingColor(v / scale);
  let cells: Raster;
  if (s.length === 1 || s.length === 2) {
    const [rows, cols] = s.length === 1 ? [1, s[0]!] : [s[0]!, s[1]!];
    if (rows === 0 || cols === 0) throw new ShapeError('weight is empty');
    cells = createRaster(cols, rows);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) fillRect(cells, c, r, 1, 1, color(weight.data[r * cols + c]!));
  } else if (s.length === 4) {
    const layout = options.layout ?? 'OIHW';
    const dims: Record<string, number> = {};
    const order = layout === 'matrix' ? 'OIHW' : layout;
    [...order].forEach((d, i) => (dims[d] = s[i]!));
    const strides: Record<string, number> = {};
    let st = 1;
    for (let i = 3; i >= 0; i--) [strides[order[i]!], st] = [st, st * s[i]!];
    const maxC = options.maxChannels ?? 32;
    const O = Math.min(dims['O']!, maxC);
    const I = Math.min(dims['I']!, maxC);
    const kh = dims['H']!;
    const kw = dims['W']!;
    if (O === 0 || I === 0 || kh === 0 || kw === 0) throw new ShapeError('kernel is empty');
    cells = createRaster(I * (kw + 1) + 1, O * (kh + 1) + 1, [200, 200, 200, 255]);
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
      const idx = o * strides['O']! + i * strides['I']! + y * strides['H']! + x * strides['W']!;
      fillRect(cells, 1 + i * (kw + 1) + x, 1 + o * (kh + 1) + y, 1, 1, color(weight.data[idx]!));
    }
  } else {
    throw new ShapeError(`cannot draw a weight of shape [${s.join(', ')}]: expected rank 1, 2 or 4`);
  }
  const k = Math.max(1, Math.ceil((options.minSize ?? 160) / Math.max(cells.width, cells.height)));
  const big = upscale(cells, Math.min(k, 64));
  if (options.colorBar === false) return big;
  const label = s.length === 4 ? 'weight · rows: out ch, columns: in ch' : `weight [${s.join('×')}]`;
  const w = Math.max(big.width, 100);
  const spec = { colormap: 'diverging' as const, min: -scale, max: scale, label };
  const bar = colorBarLayout(spec, 2, big.height + 6, w - 4);
  const out = createRaster(w, big.height + 6 + bar.bounds.height + 4);
  blit(out, big, Math.floor((w - big.width) / 2), 0);
  drawColorBar(out, spec, 2, big.height + 6, w - 4);
  return out;
}

/** PNG bytes of `weightMatrix` (tEXt chunk Scale = max |w|). */
export function weightMatrixPng(weight: Tensor, options: WeightMatrixOptions = {}): Uint8Array {
  let max = 0;
  for (const v of weight.data) max = Math.max(max, Math.abs(v));
  return encodeRasterPng(weightMatrix(weight, options), { Scale: String(max > 0 ? max : 1) });
}
