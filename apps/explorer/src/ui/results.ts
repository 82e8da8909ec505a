/**
 * One result card per method: the picture (heat map over the image with its colour bar, bar chart
 * and waterfall for tabular inputs, token highlights for sequences, a layer view for layer-space
 * attributions), numeric values on hover or in a table, and JSON / PNG / SVG downloads. Pictures
 * come from @glasswing/viz (colour-blind-safe maps).
 */
import { attentionHeatmapSvg, barChartSvg, encodeRasterPng, forcePlotSvg, imageAttrGridSvg, tokenHighlightHtml, visualizeImageAttr, waterfallSvg, type ImageAttrPicture } from '@glasswing/viz';
import type { MethodResult, ModelSummary, WireTensor } from '../protocol.js';
import { download, h, hideTip, showTip } from './dom.js';
import type { InputKind } from './explain-panel.js';

export interface ResultContext {
  readonly kind: InputKind;
  readonly summary: ModelSummary;
  readonly input: WireTensor;
  /** Image inputs: [H, W, C] in [0, 1], for the overlay. */
  readonly display?: WireTensor;
  readonly features?: readonly string[];
  readonly tokens?: readonly string[];
  readonly classes: readonly string[];
  readonly target: number;
  readonly logits: readonly number[];
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const fmt = (v: number) => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

/** The JSON a result downloads (and the page exposes as data-result): input, attributions, prediction. */
export function resultJson(r: MethodResult, ctx: ResultContext): Record<string, unknown> {
  return {
    format: 'glasswing-explorer-result/1',
    model: ctx.summary.name,
    backend: ctx.summary.backend,
    ran: ctx.summary.ran,
    method: r.method,
    options: r.options,
    target: ctx.target,
    targetName: ctx.classes[ctx.target] ?? `class ${ctx.target}`,
    input: { shape: ctx.input.shape, data: Array.from(ctx.input.data) },
    attributions: { shape: r.attributions.shape, data: Array.from(r.attributions.data) },
    logits: ctx.logits,
    modelCalls: r.modelCalls,
    seconds: r.seconds,
    ...(r.delta !== undefined ? { convergenceDelta: r.delta } : {}),
  };
}

function svgToPng(svg: string): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth * 2;
      c.height = img.naturalHeight * 2;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, c.width, c.height);
      ctx.drawImage(img, 0, 0, c.width, c.height);
      c.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png');
    };
    img.onerror = () => reject(new Error('could not rasterise the SVG'));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  });
}

/** A raster picture on a canvas, with the attribution under the pointer shown in a tooltip. */
function heatCanvas(pic: ImageAttrPicture, map: { h: number; w: number; values: Float64Array }, label: string): HTMLCanvasElement {
  const c = h('canvas', { class: 'heat', width: pic.raster.width, height: pic.raster.height, role: 'img', 'aria-label': label });
  c.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pic.raster.data), pic.raster.width, pic.raster.height), 0, 0);
  c.addEventListener('mousemove', (e) => {
    const r = c.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * c.width;
    const y = ((e.clientY - r.top) / r.height) * c.height - pic.mapTop;
    const col = Math.floor(x / pic.factor);
    const row = Math.floor(y / pic.factor);
    if (y < 0 || x >= pic.mapWidth || y >= pic.mapHeight || col >= map.w || row >= map.h) return hideTip();
    showTip(`row ${row}, col ${col}: ${fmt(map.values[row * map.w + col]!)}`, e.clientX, e.clientY);
  });
  c.addEventListener('mouseleave', hideTip);
  return c;
}

/** Channel-summed [h, w] map of an [H, W, C] / [C, H, W] attribution. */
function summedMap(t: WireTensor, layout: 'NHWC' | 'NCHW'): { h: number; w: number; values: Float64Array } {
  const s = t.shape.slice(t.shape.length === 4 ? 1 : 0);
  const [H, W, C] = s.length === 2 ? [s[0]!, s[1]!, 1] : layout === 'NCHW' ? [s[1]!, s[2]!, s[0]!] : [s[0]!, s[1]!, s[2]!];
  const values = new Float64Array(H * W);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += t.data[layout === 'NCHW' && s.length === 3 ? c * H * W + y * W + x : (y * W + x) * C + c]!;
      values[y * W + x] = sum;
    }
  return { h: H, w: W, values };
}

function valueTable(names: readonly string[], values: ArrayLike<number>, limit = 40): HTMLElement {
  const title = values.length > limit ? `Top ${limit} values` : 'Values';
  const order = Array.from(values, (_, i) => i).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!)).slice(0, limit);
  return h('details', {}, h('summary', {}, title), h('div', { class: 'values' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', { class: 'num' }, 'attribution'))), h('tbody', {}, ...order.map((i) => h('tr', {}, h('td', {}, names[i] ?? String(i)), h('td', { class: 'num' }, fmt(values[i]!))))))));
}

interface View {
  readonly figure: HTMLElement;
  readonly svg?: () => string;
  readonly png?: () => Promise<Blob>;
}

function imageView(r: MethodResult, ctx: ResultContext, layerSpace: boolean): View {
  const layout = ctx.summary.layout ?? 'NHWC';
  const attr = { shape: r.attributions.shape.slice(1), data: r.attributions.data };
  // Layer outputs follow the graph's layout (NHWC for TensorFlow.js imports, NCHW for ONNX): drawn as NHWC.
  const shapeLayout = 'NHWC' as const;
  const opts = layerSpace
    ? { method: 'heat_map' as const, sign: 'all' as const, layout: shapeLayout, colorBar: true, minSize: 260 }
    : { method: 'blended_heat_map' as const, sign: 'all' as const, image: ctx.display!, layout: 'NHWC' as const, colorBar: true, minSize: 260, alphaOverlay: 0.6 };
  const attrForViz = toNhwc(attr, layout);
  const pic = visualizeImageAttr(attrForViz, opts);
  const map = summedMap(attrForViz, 'NHWC');
  const names = Array.from({ length: map.h * map.w }, (_, i) => `row ${Math.floor(i / map.w)}, col ${i % map.w}`);
  const figure = h('div', {}, h('div', { class: 'figure' }, heatCanvas(pic, map, `${r.title} heat map; hover for values, or open Values`)), valueTable(names, map.values, 25));
  return {
    figure,
    svg: () => imageAttrGridSvg([{ title: r.title, attribution: attrForViz, method: opts.method, sign: 'all' }], { ...(layerSpace ? {} : { image: ctx.display! }), layout: 'NHWC', minSize: 260 }),
    png: async () => new Blob([encodeRasterPng(pic.raster) as BlobPart], { type: 'image/png' }),
  };
}

/** [C, H, W] → [H, W, C] (the display image is NHWC). */
function toNhwc(t: WireTensor, layout: 'NHWC' | 'NCHW'): WireTensor {
  if (layout !== 'NCHW' || t.shape.length !== 3) return t;
  const [C, H, W] = t.shape as [number, number, number];
  const data = new Float32Array(t.data.length);
  for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) data[i * C + c] = t.data[c * H * W + i]!;
  return { shape: [H, W, C], data };
}

function svgView(svg: string, label: string, extra?: HTMLElement): View {
  const fig = h('div', { class: 'figure', role: 'img', 'aria-label': label });
  fig.innerHTML = svg;
  return { figure: extra ? h('div', {}, fig, extra) : fig, svg: () => svg, png: () => svgToPng(svg) };
}

function tabularView(r: MethodResult, ctx: ResultContext): View {
  const values = Array.from(r.attributions.data);
  const names = ctx.features ?? values.map((_, i) => `x${i}`);
  const featureValues = Array.from(ctx.input.data, (v) => +v.toPrecision(4));
  const bars = barChartSvg(values, { featureNames: names, featureValues, title: `${r.title} → ${ctx.classes[ctx.target] ?? `class ${ctx.target}`}` });
  const output = ctx.logits[ctx.target] ?? 0;
  const base = output - values.reduce((a, b) => a + b, 0);
  const steps = { baseValue: base, values, output, featureNames: names, featureValues };
  const water = h('details', {}, h('summary', {}, 'Waterfall'), h('div', { class: 'figure' }));
  (water.lastChild as HTMLElement).innerHTML = waterfallSvg({ ...steps, title: 'from f(baseline) to f(x), target logit' });
  const force = h('details', {}, h('summary', {}, 'Force plot'), h('div', { class: 'figure' }));
  (force.lastChild as HTMLElement).innerHTML = forcePlotSvg({ ...steps, title: 'pushes up (red) and down (blue)' });
  return svgView(bars, `${r.title} bar chart`, h('div', {}, water, force, valueTable(names, values)));
}

function tokenView(r: MethodResult, ctx: ResultContext): View {
  const [L, V] = r.attributions.shape.slice(1) as [number, number];
  const per = Array.from({ length: L }, (_, p) => {
    let s = 0;
    for (let k = 0; k < V; k++) s += r.attributions.data[p * V + k]!;
    return s;
  });
  const tokens = ctx.tokens ?? per.map((_, i) => `#${i}`);
  const fig = h('div', { class: 'figure' });
  fig.innerHTML = tokenHighlightHtml(tokens, per, {});
  fig.querySelectorAll('span').forEach((s, i) => i < per.length && s.setAttribute('title', `${tokens[i]}: ${fmt(per[i]!)}`));
  return { figure: h('div', {}, fig, valueTable(tokens.map((t, i) => `${i}: ${t}`), per)) };
}

function layerView(r: MethodResult): View {
  const v = Array.from(r.attributions.data);
  return svgView(barChartSvg(v, { featureNames: v.map((_, i) => `unit ${i}`), maxFeatures: 16, title: `${r.title} (layer units)` }), `${r.title} per unit`, valueTable(v.map((_, i) => `unit ${i}`), v));
}

/** Attention: raw attention per layer × head, else the relevance matrix; the query token's scores as highlights. */
function attentionView(r: MethodResult, ctx: ResultContext): View {
  const a = r.attention!;
  const [, , H, T] = a.matrices.shape as [number, number, number, number];
  const tokens = ctx.tokens ?? Array.from({ length: T }, (_, i) => `#${i}`);
  const panels =
    r.method === 'attention-raw'
      ? a.layers.flatMap((l, li) => Array.from({ length: l.heads }, (_, hd) => ({ title: `layer ${l.index} · head ${hd}`, matrix: a.matrices.data.subarray(((li * H + hd) * T) * T, ((li * H + hd + 1) * T) * T) })))
      : [{ title: 'relevance', matrix: r.attributions.data }];
  const svg = attentionHeatmapSvg(panels, { tokens, columns: Math.min(panels.length, 2), offDiagonalScale: r.method !== 'attention-raw' });
  const scores = h('div', { class: 'figure' });
  // The query token's share of itself (the residual) would wash out the others: scale by the rest.
  const others = Math.max(0, ...a.scores.map((v, i) => (i === a.query ? 0 : Math.abs(v))));
  scores.innerHTML = tokenHighlightHtml(tokens, a.scores, { title: `relevance to ${tokens[a.query] ?? `token ${a.query}`}`, ...(others > 0 ? { scale: others } : {}) });
  return svgView(svg, `${r.title}: token-to-token heat maps`, h('div', {}, scores, valueTable(tokens.map((t, i) => `${i}: ${t}`), a.scores)));
}

function viewOf(r: MethodResult, ctx: ResultContext): View {
  if (r.attention) return attentionView(r, ctx);
  const shape = r.attributions.shape.slice(1);
  const inputSpace = same(shape, ctx.summary.inputShape);
  if (inputSpace && ctx.kind === 'image') return imageView(r, ctx, false);
  if (inputSpace && ctx.kind === 'tabular') return tabularView(r, ctx);
  if (inputSpace && ctx.kind === 'tokens') return tokenView(r, ctx);
  // A spatial layer (both sides > 2) as a heat map; anything else (a [1, 16, 1] slice, a vector) as units.
  const [a, b, c] = shape;
  const [hh, ww] = shape.length === 2 ? [a!, b!] : ctx.summary.layout === 'NCHW' ? [b!, c!] : [a!, b!];
  if ((shape.length === 3 || shape.length === 2) && Math.min(hh, ww) > 2) return imageView(r, ctx, true);
  return layerView(r);
}

export function resultCard(r: MethodResult, ctx: ResultContext): HTMLElement {
  const slug = `${ctx.summary.name.replace(/[^\w.-]+/g, '_')}-${r.method}`;
  const head = h('h3', {}, r.title, h('span', { class: 'family' }, r.family));
  if (r.error) return h('article', { class: 'card', 'data-method': r.method, 'data-error': r.error }, head, h('p', { class: 'error' }, r.error));
  const json = resultJson(r, ctx);
  let view: View;
  try {
    view = viewOf(r, ctx);
  } catch (e) {
    view = { figure: h('p', { class: 'error' }, `cannot draw this result: ${(e as Error).message}`) };
  }
  const shapeNote = `[${r.attributions.shape.slice(1).join('×')}]`;
  const calls = r.modelCalls > 0 ? ` · ${r.modelCalls} model call${r.modelCalls === 1 ? '' : 's'}` : '';
  const meta = h('div', { class: 'meta' }, `${ctx.summary.ran}${calls} · ${r.seconds.toFixed(2)} s · ${shapeNote}${r.delta !== undefined ? ` · convergence δ ${fmt(r.delta)}` : ''}`);
  const buttons = h(
    'div',
    { class: 'downloads' },
    h('button', { type: 'button', 'aria-label': `download ${r.title} result as JSON`, onclick: () => download(`${slug}.json`, JSON.stringify(json, null, 1), 'application/json') }, 'JSON'),
    view.png ? h('button', { type: 'button', 'aria-label': `download ${r.title} picture as PNG`, onclick: () => void view.png!().then((b) => download(`${slug}.png`, b, 'image/png')) }, 'PNG') : null,
    view.svg ? h('button', { type: 'button', 'aria-label': `download ${r.title} picture as SVG`, onclick: () => download(`${slug}.svg`, view.svg!(), 'image/svg+xml') }, 'SVG') : null,
  );
  return h('article', { class: 'card', 'data-method': r.method, 'data-result': JSON.stringify(json) }, head, meta, view.figure, buttons);
}
