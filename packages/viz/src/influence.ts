/**
 * Influence galleries (issue 13): the training examples that most support (proponents) or oppose
 * (opponents) a prediction, or those with the highest self-influence, or the nearest neighbours,
 * each with its score. Images (rank-3 inputs) are drawn as tiles with their index, label and
 * score underneath; tabular rows (rank-1 inputs) as a table: group, training index, label,
 * score, then the feature values. The explained (test) example, when given, is drawn first.
 */
import { InvalidArgumentError, ShapeError } from '@glasswing/core';
import type { Tensor } from '@glasswing/core';
import { toRgbImage, type ImageLayout } from './image-input.js';
import { createRaster, setPixel, upscale, type Raster, type Rgb } from './raster.js';
import { labelWidth, scenePng, sceneSvg, type Scene, type SceneItem } from './scene.js';
import { formatNumber } from './svg.js';

const INK: Rgb = [30, 30, 30];
const MUTED: Rgb = [110, 110, 110];
const POSITIVE: Rgb = [26, 120, 60];
const NEGATIVE: Rgb = [190, 40, 40];

export interface InfluenceGalleryItem {
  /** Training-set index. */
  readonly index: number;
  readonly score: number;
  /** The example's label (class name or number), shown under / beside it. */
  readonly label?: string;
  /** The example itself (per-example shape: [H, W, C] / [C, H, W] image or [F] features). */
  readonly input: Tensor;
}

export interface InfluenceGalleryInput {
  readonly title?: string;
  /** The explained example. */
  readonly test?: { readonly input: Tensor; readonly label?: string };
  /** Rows of the gallery: e.g. proponents and opponents. */
  readonly groups: readonly { readonly title: string; readonly items: readonly InfluenceGalleryItem[] }[];
  /** Feature names for tabular rows. */
  readonly featureNames?: readonly string[];
  /** Layout of image inputs (default NHWC). */
  readonly layout?: ImageLayout;
  /** Name of the score column / caption (default 'score'). */
  readonly scoreName?: string;
}

function check(input: InfluenceGalleryInput): 'image' | 'table' {
  if (!input || !Array.isArray(input.groups)) throw new InvalidArgumentError('influence gallery needs { groups: [{ title, items }] }');
  const all = [...(input.test ? [input.test] : []), ...input.groups.flatMap((g) => g.items)];
  if (all.length === 0) throw new InvalidArgumentError('influence gallery has nothing to draw');
  const rank = all[0]!.input.shape.length;
  if (all.some((e) => e.input.shape.length !== rank)) throw new ShapeError('influence gallery: every example must have the same shape');
  if (rank === 3) return 'image';
  if (rank === 1) return 'table';
  throw new ShapeError(`influence gallery draws images [H, W, C] or feature rows [F], got rank ${rank}`);
}

function tile(t: Tensor, layout: ImageLayout, size: number): Raster {
  const img = toRgbImage({ shape: [1, ...t.shape], data: t.data }, layout, 'auto');
  const r = createRaster(img.w, img.h);
  for (let i = 0; i < img.w * img.h; i++) {
    setPixel(r, i % img.w, Math.floor(i / img.w), [Math.round(255 * img.rgb[i * 3]!), Math.round(255 * img.rgb[i * 3 + 1]!), Math.round(255 * img.rgb[i * 3 + 2]!)]);
  }
  return upscale(r, Math.max(1, Math.round(size / Math.max(img.w, img.h))));
}

const scoreColor = (s: number): Rgb => (s > 0 ? POSITIVE : s < 0 ? NEGATIVE : INK);

function imageScene(input: InfluenceGalleryInput): Scene {
  const layout = input.layout ?? 'NHWC';
  const first = (input.test ?? input.groups.find((g) => g.items.length)!.items[0]!).input;
  const probe = tile(first, layout, 72);
  const size = Math.max(probe.width, probe.height);
  const captions = input.groups.flatMap((g) => g.items.map((it) => labelWidth(`#${it.index}${it.label !== undefined ? ` ${it.label}` : ''}`)));
  const gap = Math.max(14, Math.ceil(Math.max(0, ...captions) - size) + 12);
  const capH = 42;
  const margin = 14;
  const head = Math.max(...input.groups.map((g) => labelWidth(g.title, false)), input.test ? labelWidth('explained') : 0) + 16;
  const cols = Math.max(1, ...input.groups.map((g) => g.items.length));
  const width = Math.ceil(margin * 2 + head + cols * (size + gap));
  const rows = input.groups.length + (input.test ? 1 : 0);
  const top = 36;
  const height = Math.ceil(top + rows * (size + capH) + margin);
  const title = input.title ?? 'Influence';
  const items: SceneItem[] = [{ kind: 'text', x: width / 2, y: 22, text: title, anchor: 'middle', bold: true, big: true }];
  let y = top;
  const row = (name: string, entries: { input: Tensor; lines: [string, Rgb][] }[]) => {
    items.push({ kind: 'text', x: margin, y: y + size / 2 + 4, text: name, bold: true, color: INK });
    entries.forEach((e, j) => {
      const x = margin + head + j * (size + gap);
      const r = tile(e.input, layout, size);
      items.push({ kind: 'image', x, y, w: r.width, h: r.height, raster: r });
      items.push({ kind: 'rect', x, y, w: r.width, h: r.height, stroke: MUTED });
      e.lines.forEach(([t, c], k) => items.push({ kind: 'text', x: x + size / 2, y: y + size + 13 + k * 13, text: t, anchor: 'middle', color: c }));
    });
    y += size + capH;
  };
  if (input.test) row('explained', [{ input: input.test.input, lines: input.test.label !== undefined ? [[input.test.label, INK]] : [] }]);
  for (const g of input.groups) {
    row(g.title, g.items.map((it) => ({ input: it.input, lines: [[`#${it.index}${it.label !== undefined ? ` ${it.label}` : ''}`, INK], [formatNumber(it.score), scoreColor(it.score)]] })));
  }
  return { width, height, title, items };
}

function tableScene(input: InfluenceGalleryInput): Scene {
  const f = (input.test?.input ?? input.groups.find((g) => g.items.length)!.items[0]!.input).shape[0]!;
  const names = input.featureNames ?? Array.from({ length: f }, (_, j) => `x${j}`);
  if (names.length !== f) throw new ShapeError(`influence gallery: ${names.length} feature names for ${f} features`);
  const head = ['', '#', 'label', input.scoreName ?? 'score', ...names];
  const cells: { text: string[]; color?: Rgb; group?: boolean }[] = [];
  const values = (t: Tensor) => Array.from(t.data, (v) => formatNumber(v));
  if (input.test) cells.push({ text: ['explained', '', input.test.label ?? '', '', ...values(input.test.input)] });
  for (const g of input.groups) {
    g.items.forEach((it, i) => cells.push({ text: [i === 0 ? g.title : '', String(it.index), it.label ?? '', formatNumber(it.score), ...values(it.input)], color: scoreColor(it.score), group: i === 0 }));
  }
  const pad = 8;
  const colW = head.map((h, j) => Math.ceil(Math.max(labelWidth(h), ...cells.map((c) => labelWidth(c.text[j]!))) + 2 * pad));
  const rowH = 22;
  const top = 34;
  const margin = 12;
  const width = Math.ceil(Math.max(colW.reduce((s, w) => s + w, 0) + 2 * margin, 320));
  const height = Math.ceil(top + (cells.length + 1) * rowH + margin);
  const title = input.title ?? 'Influence';
  const items: SceneItem[] = [{ kind: 'text', x: width / 2, y: 20, text: title, anchor: 'middle', bold: true, big: true }];
  const colX = colW.map((_, j) => margin + colW.slice(0, j).reduce((s, w) => s + w, 0));
  const right = (j: number) => j === 1 || j >= 3;
  head.forEach((h, j) => items.push({ kind: 'text', x: right(j) ? colX[j]! + colW[j]! - pad : colX[j]! + pad, y: top + 15, text: h, anchor: right(j) ? 'end' : 'start', bold: true }));
  items.push({ kind: 'line', x1: margin, y1: top + rowH, x2: width - margin, y2: top + rowH, color: INK });
  cells.forEach((c, i) => {
    const y = top + (i + 1) * rowH;
    if (i % 2 === 1) items.push({ kind: 'rect', x: margin, y, w: width - 2 * margin, h: rowH, fill: [247, 247, 247] });
    if (c.group && i > 0) items.push({ kind: 'line', x1: margin, y1: y, x2: width - margin, y2: y, color: MUTED });
    c.text.forEach((t, j) => items.push({ kind: 'text', x: right(j) ? colX[j]! + colW[j]! - pad : colX[j]! + pad, y: y + 15, text: t, anchor: right(j) ? 'end' : 'start', bold: j === 0, color: j === 3 && c.color ? c.color : INK }));
  });
  return { width, height, title, items };
}

function gallery(input: InfluenceGalleryInput): Scene {
  return check(input) === 'image' ? imageScene(input) : tableScene(input);
}

/** The influence gallery as an SVG document. */
export function influenceGallerySvg(input: InfluenceGalleryInput): string {
  return sceneSvg(gallery(input));
}

/** The influence gallery as PNG bytes (scale 2). */
export function influenceGalleryPng(input: InfluenceGalleryInput, scale = 2): Uint8Array {
  return scenePng(gallery(input), scale);
}
