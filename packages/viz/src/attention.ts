/**
 * Attention pictures: token × token heat maps (one panel per layer / head, rows = query tokens,
 * columns = key tokens, sequential colour map from 0 to the largest value, token labels on both
 * axes) and token-to-token arcs (tokens in a row, coloured by their score; arcs from a query
 * token to every key token, as thick and as dark as the weight). SVG and PNG from one layout.
 */
import { InvalidArgumentError, NumericError, ShapeError } from '@glasswing/core';
import { colorBarLayout, colorBarSvg, colorBarSvgLayout, drawColorBar } from './colorbar.js';
import { drawBitmapText } from './font.js';
import { bitmapFont, ellipsize, svgFont, type TextFont } from './labels.js';
import { createRaster, encodeRasterPng, fillRect, type Raster } from './raster.js';
import { sequentialColor } from './sequential.js';
import { escapeXml, formatNumber, px, rgbCss, svgDocument, svgText } from './svg.js';

export interface AttentionPanel {
  /** Caption above the panel, e.g. "layer 1 · head 0". */
  readonly title: string;
  /** T×T values, row-major (row = query token, column = key token). */
  readonly matrix: ArrayLike<number>;
}

export interface AttentionHeatmapOptions {
  /** Token labels (length T). */
  readonly tokens: readonly string[];
  readonly title?: string;
  /** Panels per row (default min(panels, 4)). */
  readonly columns?: number;
  /** Value drawn at full colour (default: the largest value over all panels, or 1). */
  readonly max?: number;
  /** Caption of the colour bar (default 'attention · rows: query token, columns: key token'). */
  readonly label?: string;
  /**
   * Scale the colours by the largest OFF-diagonal value (default false): for relevance matrices
   * whose diagonal (each token's share of itself, from the residual identity) would otherwise wash
   * out the rest; diagonal cells above the scale are drawn at full colour.
   */
  readonly offDiagonalScale?: boolean;
}

interface Style {
  readonly font: TextFont;
  readonly titleFont: TextFont;
  readonly cell: number;
  readonly pad: number;
}

const PNG_STYLE: Style = { font: bitmapFont(2), titleFont: bitmapFont(2, true), cell: 34, pad: 12 };
const SVG_STYLE: Style = { font: svgFont(12), titleFont: svgFont(13, true), cell: 30, pad: 12 };

function checkMatrix(m: ArrayLike<number>, t: number, what: string): number {
  if (m.length !== t * t) throw new ShapeError(`${what} has ${m.length} values; ${t} tokens need ${t * t}`);
  let max = 0;
  for (let i = 0; i < m.length; i++) {
    const v = m[i]!;
    if (!Number.isFinite(v)) throw new NumericError(`${what} has a non-finite value (${v}) at ${i}`);
    max = Math.max(max, v);
  }
  return max;
}

interface Text {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly anchor: 'start' | 'middle' | 'end';
  readonly bold?: boolean;
}
interface Cell {
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly value: number;
  readonly tip: string;
}
interface HeatmapLayout {
  readonly width: number;
  readonly height: number;
  readonly texts: Text[];
  readonly cells: Cell[];
  readonly scale: number;
  readonly bar: { x: number; y: number; length: number; spec: { colormap: 'sequential'; min: number; max: number; label: string } };
}

function heatmapLayout(panels: readonly AttentionPanel[], o: AttentionHeatmapOptions, st: Style): HeatmapLayout {
  const tokens = o.tokens.map(String);
  const t = tokens.length;
  if (t === 0) throw new ShapeError('attention heat map needs at least one token');
  if (panels.length === 0) throw new InvalidArgumentError('attention heat map needs at least one panel');
  let max = 0;
  panels.forEach((p, i) => {
    const m = checkMatrix(p.matrix, t, `panel ${i} ('${p.title}')`);
    if (!o.offDiagonalScale) max = Math.max(max, m);
    else for (let k = 0; k < t * t; k++) if (k % (t + 1) !== 0) max = Math.max(max, p.matrix[k]!);
  });
  if (o.max !== undefined && !(o.max > 0 && Number.isFinite(o.max))) throw new InvalidArgumentError(`max must be a positive number, got ${o.max}`);
  const scale = o.max ?? (max > 0 ? max : 1);
  const cols = Math.max(1, Math.min(o.columns ?? 4, panels.length));
  if (!Number.isInteger(cols)) throw new InvalidArgumentError(`columns must be a positive integer, got ${o.columns}`);
  const f = st.font;
  // Column labels are the tokens when each fits its cell, else the token indices (rows then say "i token").
  const tokensFit = tokens.every((tok) => f.measure(tok) <= st.cell - 2);
  const colLabels = tokensFit ? tokens : tokens.map((_, i) => String(i));
  const rowLabels = tokens.map((tok, i) => ellipsize(tokensFit ? tok : `${i} ${tok}`, 160, f) || String(i));
  const rowW = Math.max(...rowLabels.map((l) => f.measure(l))) + 6;
  const gridW = t * st.cell;
  const panelW = Math.max(rowW + gridW, f.measure('') + 10) + st.pad;
  const panelH = f.lineHeight + 4 + f.lineHeight + 2 + gridW + st.pad;
  const texts: Text[] = [];
  const cells: Cell[] = [];
  let top = st.pad;
  const width = Math.max(st.pad * 2 + cols * panelW, 260, Math.min(900, st.titleFont.measure(o.title ?? '') + 2 * st.pad + 8));
  if (o.title) {
    texts.push({ x: st.pad, y: top, text: ellipsize(o.title, width - 2 * st.pad, st.titleFont), anchor: 'start', bold: true });
    top += st.titleFont.lineHeight + 6;
  }
  panels.forEach((p, k) => {
    const px0 = st.pad + (k % cols) * panelW;
    const py0 = top + Math.floor(k / cols) * panelH;
    texts.push({ x: px0 + rowW, y: py0, text: ellipsize(p.title, Math.max(gridW, panelW - rowW - st.pad), f), anchor: 'start' });
    const gy = py0 + 2 * f.lineHeight + 6;
    const gx = px0 + rowW;
    colLabels.forEach((l, j) => texts.push({ x: gx + j * st.cell + st.cell / 2, y: gy - f.lineHeight - 1, text: l, anchor: 'middle' }));
    for (let i = 0; i < t; i++) {
      texts.push({ x: gx - 4, y: gy + i * st.cell + (st.cell - f.height) / 2, text: rowLabels[i]!, anchor: 'end' });
      for (let j = 0; j < t; j++) {
        const v = p.matrix[i * t + j]!;
        cells.push({ x: gx + j * st.cell, y: gy + i * st.cell, size: st.cell, value: Math.min(1, v / scale), tip: `${p.title}: ${tokens[i]} → ${tokens[j]} = ${formatNumber(v, 4)}` });
      }
    }
  });
  const rows = Math.ceil(panels.length / cols);
  const barY = top + rows * panelH + 4;
  const spec = { colormap: 'sequential' as const, min: 0, max: scale, label: o.label ?? 'attention · rows: query token, columns: key token' };
  const length = Math.min(320, width - 2 * st.pad);
  const barH = (st.font.kind === 'bitmap' ? colorBarLayout(spec, st.pad, barY, length, { font: st.font }) : colorBarSvgLayout(spec, st.pad, barY, length)).bounds.height;
  return { width, height: barY + barH + st.pad, texts, cells, scale, bar: { x: st.pad, y: barY, length, spec } };
}

/** Token × token heat maps as an SVG document. */
export function attentionHeatmapSvg(panels: readonly AttentionPanel[], options: AttentionHeatmapOptions): string {
  const L = heatmapLayout(panels, options, SVG_STYLE);
  const f = SVG_STYLE.font;
  const parts: string[] = [];
  for (const c of L.cells) {
    parts.push(`<rect x="${px(c.x)}" y="${px(c.y)}" width="${px(c.size)}" height="${px(c.size)}" fill="${rgbCss(sequentialColor(c.value))}" stroke="#fff" stroke-width="0.5"><title>${escapeXml(c.tip)}</title></rect>`);
  }
  for (const tx of L.texts) parts.push(svgText(tx.x, tx.y + f.baseline, tx.text, { anchor: tx.anchor, size: tx.bold ? 13 : 12, ...(tx.bold ? { weight: '600' } : {}) }));
  parts.push(colorBarSvg(L.bar.spec, L.bar.x, L.bar.y, L.bar.length));
  return svgDocument(L.width, L.height, options.title ?? 'Attention', parts.join(''));
}

function drawTexts(r: Raster, texts: readonly Text[], font: TextFont): void {
  for (const tx of texts) {
    const w = font.measure(tx.text);
    const x = tx.anchor === 'start' ? tx.x : tx.anchor === 'middle' ? tx.x - w / 2 : tx.x - w;
    drawBitmapText(r, tx.text, x, tx.y, [30, 30, 30], font.size, tx.bold ?? false);
  }
}

/** Token × token heat maps as PNG bytes (tEXt chunk Scale = the value at full colour). */
export function attentionHeatmapPng(panels: readonly AttentionPanel[], options: AttentionHeatmapOptions): Uint8Array {
  const L = heatmapLayout(panels, options, PNG_STYLE);
  const r = createRaster(Math.ceil(L.width), Math.ceil(L.height));
  for (const c of L.cells) {
    fillRect(r, Math.round(c.x), Math.round(c.y), c.size, c.size, sequentialColor(c.value));
    fillRect(r, Math.round(c.x), Math.round(c.y), c.size, 1, [255, 255, 255]);
    fillRect(r, Math.round(c.x), Math.round(c.y), 1, c.size, [255, 255, 255]);
  }
  drawTexts(r, L.texts, PNG_STYLE.font);
  drawColorBar(r, L.bar.spec, L.bar.x, L.bar.y, L.bar.length, 2);
  return encodeRasterPng(r, { Scale: String(L.scale) });
}

export interface AttentionArcsOptions {
  readonly title?: string;
  /** Query tokens whose arcs are drawn (default [0]). */
  readonly queries?: readonly number[];
  /** Per-token scores colouring the token boxes (default: row `queries[0]` of the matrix). */
  readonly scores?: ArrayLike<number>;
  /** Arcs below this fraction of the largest drawn weight are left out (default 0.02). */
  readonly threshold?: number;
  /**
   * Caption of the colour bar (default 'relevance to the query token'). The colour scale is the
   * largest score of the non-query tokens; the query tokens are drawn clipped.
   */
  readonly label?: string;
}

interface Arc {
  readonly from: number;
  readonly to: number;
  readonly weight: number;
}
interface ArcsLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: { x: number; w: number; text: string; value: number; tip: string }[];
  readonly boxY: number;
  readonly boxH: number;
  readonly arcs: Arc[];
  readonly baseY: number;
  readonly maxWeight: number;
  readonly title?: Text;
  readonly bar: { x: number; y: number; length: number; spec: { colormap: 'sequential'; min: number; max: number; label: string } };
}

function arcsLayout(tokens: readonly string[], matrix: ArrayLike<number>, o: AttentionArcsOptions, st: Style): ArcsLayout {
  const t = tokens.length;
  if (t === 0) throw new ShapeError('attention arcs need at least one token');
  checkMatrix(matrix, t, 'attention matrix');
  const queries = o.queries ?? [0];
  for (const q of queries) if (!Number.isInteger(q) || q < 0 || q >= t) throw new InvalidArgumentError(`query ${q} is not a token index in [0, ${t - 1}]`);
  const threshold = o.threshold ?? 0.02;
  if (!(threshold >= 0 && threshold < 1)) throw new InvalidArgumentError(`threshold must be in [0, 1), got ${threshold}`);
  const scores = o.scores ?? Array.from({ length: t }, (_, j) => matrix[queries[0]! * t + j]!);
  if (scores.length !== t) throw new ShapeError(`got ${scores.length} scores for ${t} tokens`);
  // The colour scale leaves the query tokens out (their own share, e.g. the residual identity,
  // would wash out the rest); they are drawn clipped at full colour.
  let sMax = 0;
  for (let j = 0; j < t; j++) {
    if (!Number.isFinite(scores[j]!)) throw new NumericError(`score of token ${j} is not finite (${scores[j]})`);
    if (!queries.includes(j) || t === 1) sMax = Math.max(sMax, scores[j]!);
  }
  if (sMax <= 0) sMax = 1;
  const f = st.font;
  const boxW = Math.max(st.cell * 1.4, ...tokens.map((tok) => f.measure(String(tok)) + 10));
  const gap = 6;
  const width = Math.max(st.pad * 2 + t * (boxW + gap), 260, Math.min(900, st.titleFont.measure(o.title ?? '') + 2 * st.pad + 8));
  let top = st.pad;
  let title: Text | undefined;
  if (o.title) {
    title = { x: st.pad, y: top, text: ellipsize(o.title, width - 2 * st.pad, st.titleFont), anchor: 'start', bold: true };
    top += st.titleFont.lineHeight + 6;
  }
  const arcs: Arc[] = [];
  let maxWeight = 0;
  for (const q of queries) for (let j = 0; j < t; j++) if (j !== q) maxWeight = Math.max(maxWeight, matrix[q * t + j]!);
  for (const q of queries) {
    for (let j = 0; j < t; j++) {
      const w = matrix[q * t + j]!;
      if (j !== q && maxWeight > 0 && w >= threshold * maxWeight) arcs.push({ from: q, to: j, weight: w });
    }
  }
  // Arc height grows with the distance between the tokens; the tallest sets the space above the row.
  const span = Math.max(1, ...arcs.map((a) => Math.abs(a.to - a.from)));
  const arcH = Math.min(span * (boxW + gap) * 0.45, 220);
  const baseY = top + arcH + 8;
  const boxH = f.lineHeight + 10;
  const boxes = tokens.map((tok, j) => ({
    x: st.pad + j * (boxW + gap),
    w: boxW,
    text: ellipsize(String(tok), boxW - 6, f),
    value: Math.max(0, Math.min(1, scores[j]! / sMax)),
    tip: `${tok}: ${formatNumber(scores[j]!, 4)}`,
  }));
  const barY = baseY + boxH + 14;
  const spec = { colormap: 'sequential' as const, min: 0, max: sMax, label: o.label ?? 'relevance to the query token' };
  const length = Math.min(320, width - 2 * st.pad);
  const barH = (st.font.kind === 'bitmap' ? colorBarLayout(spec, st.pad, barY, length, { font: st.font }) : colorBarSvgLayout(spec, st.pad, barY, length)).bounds.height;
  return { width, height: barY + barH + st.pad, boxes, boxY: baseY, boxH, arcs, baseY, maxWeight, ...(title ? { title } : {}), bar: { x: st.pad, y: barY, length, spec } };
}

function arcGeometry(L: ArcsLayout, a: Arc): { x0: number; x1: number; cy: number; y: number } {
  const b0 = L.boxes[a.from]!;
  const b1 = L.boxes[a.to]!;
  const x0 = b0.x + b0.w / 2;
  const x1 = b1.x + b1.w / 2;
  const lift = Math.min(Math.abs(x1 - x0) * 0.45, L.baseY - 20) * 2; // control point: the curve peaks at half of it
  return { x0, x1, cy: L.baseY - lift, y: L.baseY };
}

/** Arcs from the query token(s) to every other token, over the tokens in a row: SVG. */
export function attentionArcsSvg(tokens: readonly string[], matrix: ArrayLike<number>, options: AttentionArcsOptions = {}): string {
  const L = arcsLayout(tokens, matrix, options, SVG_STYLE);
  const f = SVG_STYLE.font;
  const parts: string[] = [];
  if (L.title) parts.push(svgText(L.title.x, L.title.y + SVG_STYLE.titleFont.baseline, L.title.text, { size: 13, weight: '600' }));
  for (const a of L.arcs) {
    const g = arcGeometry(L, a);
    const w = a.weight / L.maxWeight;
    parts.push(
      `<path d="M${px(g.x0)},${px(g.y)} Q${px((g.x0 + g.x1) / 2)},${px(g.cy)} ${px(g.x1)},${px(g.y)}" fill="none" stroke="#c2410c" stroke-opacity="${(0.15 + 0.85 * w).toFixed(3)}" stroke-width="${(0.8 + 6 * w).toFixed(2)}">` +
        `<title>${escapeXml(`${tokens[a.from]} → ${tokens[a.to]}: ${formatNumber(a.weight, 4)}`)}</title></path>`,
    );
  }
  for (const b of L.boxes) {
    parts.push(
      `<g class="token"><title>${escapeXml(b.tip)}</title><rect x="${px(b.x)}" y="${px(L.boxY)}" width="${px(b.w)}" height="${px(L.boxH)}" rx="3" fill="${rgbCss(sequentialColor(b.value))}" stroke="#999"/>` +
        svgText(b.x + b.w / 2, L.boxY + 5 + f.baseline, b.text, { anchor: 'middle', fill: b.value < 0.55 ? '#fff' : '#111' }) +
        '</g>',
    );
  }
  parts.push(colorBarSvg(L.bar.spec, L.bar.x, L.bar.y, L.bar.length));
  return svgDocument(L.width, L.height, options.title ?? 'Attention arcs', parts.join(''));
}

/** Alpha-blend `c` at opacity `alpha` into a disc of radius `r` around (x, y). */
function dab(r: Raster, x: number, y: number, radius: number, c: readonly number[], alpha: number): void {
  const R = Math.ceil(radius);
  for (let dy = -R; dy <= R; dy++) {
    for (let dx = -R; dx <= R; dx++) {
      if (dx * dx + dy * dy > radius * radius) continue;
      const X = Math.round(x + dx);
      const Y = Math.round(y + dy);
      if (X < 0 || Y < 0 || X >= r.width || Y >= r.height) continue;
      const o = (Y * r.width + X) * 4;
      for (let k = 0; k < 3; k++) r.data[o + k] = Math.round(r.data[o + k]! * (1 - alpha) + c[k]! * alpha);
    }
  }
}

/** Arcs from the query token(s) to every other token: PNG bytes. */
export function attentionArcsPng(tokens: readonly string[], matrix: ArrayLike<number>, options: AttentionArcsOptions = {}): Uint8Array {
  const L = arcsLayout(tokens, matrix, options, PNG_STYLE);
  const r = createRaster(Math.ceil(L.width), Math.ceil(L.height));
  if (L.title) drawTexts(r, [L.title], PNG_STYLE.titleFont);
  for (const a of L.arcs) {
    const g = arcGeometry(L, a);
    const w = a.weight / L.maxWeight;
    // Draw onto a scratch layer first so overlapping dabs of one arc do not darken it.
    const layer = createRaster(r.width, r.height, [0, 0, 0, 0]);
    const steps = Math.ceil(Math.abs(g.x1 - g.x0) + (g.y - g.cy)) * 2;
    const xm = (g.x0 + g.x1) / 2;
    for (let s = 0; s <= steps; s++) {
      const u = s / steps;
      const x = (1 - u) * (1 - u) * g.x0 + 2 * u * (1 - u) * xm + u * u * g.x1;
      const y = (1 - u) * (1 - u) * g.y + 2 * u * (1 - u) * g.cy + u * u * g.y;
      dab(layer, x, y, 0.5 + 3 * w, [255, 255, 255], 1);
    }
    const alpha = 0.15 + 0.85 * w;
    for (let p = 0; p < layer.data.length; p += 4) {
      if (layer.data[p]! === 0) continue;
      for (let k = 0; k < 3; k++) r.data[p + k] = Math.round(r.data[p + k]! * (1 - alpha) + [194, 65, 12][k]! * alpha);
    }
  }
  const f = PNG_STYLE.font;
  for (const b of L.boxes) {
    fillRect(r, Math.round(b.x) - 1, Math.round(L.boxY) - 1, Math.round(b.w) + 2, Math.round(L.boxH) + 2, [150, 150, 150]);
    fillRect(r, Math.round(b.x), Math.round(L.boxY), Math.round(b.w), Math.round(L.boxH), sequentialColor(b.value));
    const w = f.measure(b.text);
    drawBitmapText(r, b.text, b.x + (b.w - w) / 2, L.boxY + 5, b.value < 0.55 ? [255, 255, 255] : [17, 17, 17], f.size);
  }
  drawColorBar(r, L.bar.spec, L.bar.x, L.bar.y, L.bar.length, 2);
  return encodeRasterPng(r);
}

