/**
 * Per-example tabular attributions as SVG: a bar chart sorted by |attribution|, SHAP's waterfall
 * (from the expected output E[f(x)] to this example's f(x)) and SHAP's force plot (features
 * pushing the output up, red-orange, or down, blue). Feature names and values are escaped.
 */
import { divergingColor } from './colormap.js';
import { checkFiniteNumber, featureLabel, prepareFeatures, topFeatures } from './features.js';
import type { Feature } from './features.js';
import { ellipsize, placeText, shiftLabels, svgFont, svgLabel, svgTitle } from './labels.js';
import type { LabelBox } from './labels.js';
import { escapeXml, formatNumber, niceTicks, px, rgbCss, svgDocument, svgText, textWidth } from './svg.js';

export interface TabularOptions {
  readonly featureNames?: readonly string[];
  /** The example's input values, shown next to the names. */
  readonly featureValues?: ArrayLike<number | string>;
  /** Rows drawn; the rest are summed into one "N other features" row (default 20 bars / 10 waterfall rows). */
  readonly maxFeatures?: number;
  readonly title?: string;
}

export interface WaterfallInput extends TabularOptions {
  /** E[f(x)]: the expected model output (baseline prediction). */
  readonly baseValue: number;
  readonly values: ArrayLike<number>;
  /** f(x); when it differs from baseValue + Σ values a "residual" row closes the gap. */
  readonly output?: number;
}

const POS = rgbCss(divergingColor(0.85));
const NEG = rgbCss(divergingColor(-0.85));

interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly x0: number;
  readonly x1: number;
}
function sx(a: Axis, v: number): number {
  return a.hi === a.lo ? (a.x0 + a.x1) / 2 : a.x0 + ((v - a.lo) / (a.hi - a.lo)) * (a.x1 - a.x0);
}
function axisOf(values: readonly number[], x0: number, x1: number): Axis & { ticks: number[] } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  const ticks = niceTicks(lo - pad, hi + pad, 6);
  return { lo: Math.min(lo - pad, ticks[0]!), hi: Math.max(hi + pad, ticks[ticks.length - 1]!), x0, x1, ticks };
}
function drawAxis(parts: string[], a: Axis & { ticks: number[] }, y: number, label: string): void {
  parts.push(`<g class="axis"><line x1="${px(a.x0)}" y1="${px(y)}" x2="${px(a.x1)}" y2="${px(y)}" stroke="#333"/>`);
  for (const t of a.ticks) {
    const x = sx(a, t);
    parts.push(`<line x1="${px(x)}" y1="${px(y)}" x2="${px(x)}" y2="${px(y + 4)}" stroke="#333"/>`);
    parts.push(svgText(x, y + 16, formatNumber(t), { anchor: 'middle', size: 10 }));
  }
  parts.push(svgText((a.x0 + a.x1) / 2, y + 32, label, { anchor: 'middle', size: 11 }), '</g>');
}
function signLegend(parts: string[], x: number, y: number, pos: string, neg: string): void {
  parts.push(
    `<g class="legend"><rect x="${px(x)}" y="${px(y)}" width="12" height="12" fill="${POS}"/>` +
      svgText(x + 16, y + 10, pos, { size: 11 }) +
      `<rect x="${px(x + 24 + textWidth(pos, 11))}" y="${px(y)}" width="12" height="12" fill="${NEG}"/>` +
      svgText(x + 40 + textWidth(pos, 11), y + 10, neg, { size: 11 }) +
      '</g>',
  );
}

const NAME_FONT = svgFont(11);
const VALUE_FONT = svgFont(10);
/** Widest label column; longer feature labels wrap onto a second line there. */
const MAX_LABEL_W = 260;

interface RowLabels {
  /** Width of the label column (labels end 8 px before it). */
  readonly labelW: number;
  /** Each row's label lines, relative to the row's top (already centred vertically). */
  readonly lines: readonly LabelBox[][];
  readonly heights: readonly number[];
  /** Top of each row, from 0. */
  readonly tops: readonly number[];
}

/** Feature labels right-aligned in a label column as wide as the widest (80-260 px), two lines at most. */
function rowLabels(texts: readonly string[], minRowH: number): RowLabels {
  const labelW = Math.ceil(Math.min(MAX_LABEL_W, Math.max(80, ...texts.map((t) => NAME_FONT.measure(t))))) + 16;
  const lines: LabelBox[][] = [];
  const heights: number[] = [];
  const tops: number[] = [];
  let y = 0;
  for (const t of texts) {
    const p = placeText(t, { x: 8, y: 0, width: labelW - 16 }, NAME_FONT, { role: 'feature', align: 'end', maxLines: 2 });
    const h = Math.max(minRowH, p.height + 8);
    lines.push(shiftLabels(p.labels, 0, Math.round((h - p.height) / 2)));
    heights.push(h);
    tops.push(y);
    y += h;
  }
  return { labelW, lines, heights, tops };
}

/**
 * Where a bar's value label goes: past the bar's end, else on the other side of the bar's
 * start, else inside the bar (white), so it never runs into the label column or off the picture.
 */
function valueLabel(text: string, lo: number, hi: number, up: boolean, min: number, max: number, y: number): string {
  const w = VALUE_FONT.measure(text);
  const attrs = (x: number, anchor: 'start' | 'end', fill = '#333') => svgText(x, y, text, { anchor, size: 10, fill });
  if (up) {
    if (hi + 4 + w <= max) return attrs(hi + 4, 'start');
    if (lo - 4 - w >= min) return attrs(lo - 4, 'end');
    return attrs(hi - 3, 'end', '#fff');
  }
  if (lo - 4 - w >= min) return attrs(lo - 4, 'end');
  if (hi + 4 + w <= max) return attrs(hi + 4, 'start');
  return attrs(lo + 3, 'start', '#fff');
}

/** Horizontal bar chart of one example's attributions, sorted by |attribution|. */
export function barChartSvg(values: ArrayLike<number>, options: TabularOptions = {}): string {
  const feats = prepareFeatures(values, options.featureNames, options.featureValues);
  const { shown, rest } = topFeatures(feats, options.maxFeatures ?? 20);
  const rows: Feature[] = rest ? [...shown, rest] : shown;
  const rl = rowLabels(rows.map(featureLabel), 22);
  const labelW = rl.labelW;
  const plotW = 360;
  const width = labelW + plotW + 70;
  const title = svgTitle(options.title, width);
  const top = options.title ? title.bottom + 8 : 14;
  const rowsH = rl.heights.reduce((a, h) => a + h, 0);
  const axis = axisOf([0, ...rows.map((f) => f.value)], labelW, labelW + plotW);
  const height = top + rowsH + 70;
  const parts: string[] = [title.svg];
  const zx = sx(axis, 0);
  rows.forEach((f, i) => {
    const y = top + rl.tops[i]!;
    const rowH = rl.heights[i]!;
    const x = sx(axis, f.value);
    const [lo, hi] = [Math.min(x, zx), Math.max(x, zx)];
    parts.push(
      `<g class="bar" data-feature="${escapeXml(f.name)}" data-value="${f.value}">` +
        `<title>${escapeXml(`${featureLabel(f)}: ${formatNumber(f.value, 4)}`)}</title>` +
        shiftLabels(rl.lines[i]!, 0, y).map((l) => svgLabel(l)).join('') +
        `<rect x="${px(lo)}" y="${px(y + rowH / 2 - 8)}" width="${px(hi - lo)}" height="16" fill="${f.value >= 0 ? POS : NEG}"/>` +
        valueLabel(formatNumber(f.value), lo, hi, f.value >= 0, labelW - 4, width - 4, y + rowH / 2 + 4) +
        '</g>',
    );
  });
  const by = top + rowsH + 4;
  parts.push(`<line x1="${px(zx)}" y1="${px(top)}" x2="${px(zx)}" y2="${px(by)}" stroke="#333" stroke-width="0.8"/>`);
  drawAxis(parts, axis, by, 'attribution');
  signLegend(parts, 10, height - 20, 'positive', 'negative');
  return svgDocument(width, height, options.title ?? 'Feature attributions', parts.join(''));
}

interface Step {
  readonly name: string;
  readonly label: string;
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

/** The waterfall's rows: largest |attribution| first, each starting where the previous ended. */
export function waterfallSteps(input: WaterfallInput): { steps: Step[]; base: number; output: number } {
  const base = checkFiniteNumber(input.baseValue, 'baseValue');
  const feats = prepareFeatures(input.values, input.featureNames, input.featureValues);
  const { shown, rest } = topFeatures(feats, input.maxFeatures ?? 10);
  const rows = rest ? [...shown, rest] : [...shown];
  const sum = feats.reduce((a, f) => a + f.value, 0);
  const output = input.output === undefined ? base + sum : checkFiniteNumber(input.output, 'output');
  const steps: Step[] = [];
  let run = base;
  for (const f of rows) {
    steps.push({ name: f.name, label: featureLabel(f), value: f.value, start: run, end: run + f.value });
    run += f.value;
  }
  const residual = output - run;
  if (Math.abs(residual) > 1e-9 * Math.max(1, Math.abs(output))) {
    steps.push({ name: 'residual', label: 'residual (not attributed)', value: residual, start: run, end: output });
  } else if (steps.length > 0) {
    const last = steps[steps.length - 1]!;
    steps[steps.length - 1] = { ...last, end: output };
  }
  return { steps, base, output };
}

/** SHAP-style waterfall: E[f(x)] at the top, one arrow per feature, ending at f(x). */
export function waterfallSvg(input: WaterfallInput): string {
  const { steps, base, output } = waterfallSteps(input);
  const rl = rowLabels(steps.map((st) => st.label), 24);
  const labelW = rl.labelW;
  const plotW = 380;
  const width = labelW + plotW + 60;
  const title = svgTitle(input.title, width);
  const top = (input.title ? title.bottom + 8 : 14) + 22;
  const rowsH = rl.heights.reduce((a, h) => a + h, 0);
  const axis = axisOf([base, output, ...steps.flatMap((st) => [st.start, st.end])], labelW, labelW + plotW);
  const height = top + rowsH + 74;
  const parts: string[] = [title.svg];
  const bx = sx(axis, base);
  const fx = sx(axis, output);
  const bottom = top + rowsH;
  parts.push(`<line x1="${px(bx)}" y1="${px(top - 6)}" x2="${px(bx)}" y2="${px(bottom)}" stroke="#888" stroke-dasharray="3,3"/>`);
  parts.push(`<line x1="${px(fx)}" y1="${px(top - 6)}" x2="${px(fx)}" y2="${px(bottom)}" stroke="#333" stroke-dasharray="3,3"/>`);
  parts.push(centredLabel(`f(x) = ${formatNumber(output, 4)}`, fx, top - 10, svgFont(11, true), width));
  steps.forEach((st, i) => {
    const y = top + rl.tops[i]!;
    const rowH = rl.heights[i]!;
    const x0 = sx(axis, st.start);
    const x1 = sx(axis, st.end);
    const dir = st.value >= 0 ? 1 : -1;
    const head = Math.min(6, Math.abs(x1 - x0));
    const fill = st.name === 'residual' ? '#999' : st.value >= 0 ? POS : NEG;
    const yt = y + rowH / 2 - 8;
    const yb = y + rowH / 2 + 8;
    const pts = [
      [x0, yt], [x1 - dir * head, yt], [x1, (yt + yb) / 2], [x1 - dir * head, yb], [x0, yb],
    ].map(([a, b]) => `${px(a!)},${px(b!)}`).join(' ');
    parts.push(
      `<g class="step" data-feature="${escapeXml(st.name)}" data-value="${st.value}" data-start="${st.start}" data-end="${st.end}">` +
        `<title>${escapeXml(`${st.label}: ${formatNumber(st.value, 4)} (${formatNumber(st.start, 4)} → ${formatNumber(st.end, 4)})`)}</title>` +
        shiftLabels(rl.lines[i]!, 0, y).map((l) => svgLabel(l)).join('') +
        `<polygon points="${pts}" fill="${fill}"/>` +
        valueLabel(`${st.value >= 0 ? '+' : ''}${formatNumber(st.value)}`, Math.min(x0, x1), Math.max(x0, x1), dir > 0, labelW - 4, width - 4, y + rowH / 2 + 4) +
        '</g>',
    );
  });
  drawAxis(parts, axis, bottom + 4, 'model output');
  parts.push(centredLabel(`E[f(x)] = ${formatNumber(base, 4)}`, bx, bottom + 50, svgFont(11), width, '#555'));
  signLegend(parts, 10, height - 14, 'raises the output', 'lowers the output');
  return svgDocument(width, height, input.title ?? 'Waterfall: from E[f(x)] to f(x)', parts.join(''));
}

/** One line centred at x (moved inwards where it would leave the picture), baseline at y. */
function centredLabel(text: string, x: number, y: number, font: ReturnType<typeof svgFont>, width: number, fill?: string): string {
  const t = ellipsize(text, width - 8, font);
  const w = font.measure(t);
  const cx = Math.min(Math.max(x, 4 + w / 2), width - 4 - w / 2);
  return svgText(cx, y, t, { anchor: 'middle', size: font.size, ...(font.bold ? { weight: '600' } : {}), ...(fill ? { fill } : {}) });
}

/** SHAP-style force plot: red-orange features push f(x) up from the left, blue ones down from the right. */
export function forcePlotSvg(input: WaterfallInput): string {
  const base = checkFiniteNumber(input.baseValue, 'baseValue');
  const feats = prepareFeatures(input.values, input.featureNames, input.featureValues);
  const sum = feats.reduce((a, f) => a + f.value, 0);
  const output = input.output === undefined ? base + sum : checkFiniteNumber(input.output, 'output');
  const all: Feature[] = [...feats];
  const residual = output - base - sum;
  if (Math.abs(residual) > 1e-9 * Math.max(1, Math.abs(output))) all.push({ index: -1, name: 'residual', value: residual });
  const pos = all.filter((f) => f.value > 0).sort((a, b) => a.value - b.value); // smallest far from f(x)
  const neg = all.filter((f) => f.value < 0).sort((a, b) => b.value - a.value);
  const sumPos = pos.reduce((a, f) => a + f.value, 0);
  const sumNeg = neg.reduce((a, f) => a - f.value, 0);
  const width = 760;
  const title = svgTitle(input.title, width);
  const top = input.title ? title.bottom : 10;
  const axis = axisOf([base, output, output - sumPos, output + sumNeg], 30, width - 30);
  const barY = top + 40;
  const barH = 22;
  const parts: string[] = [title.svg];
  const segments: { f: Feature; a: number; b: number; up: boolean }[] = [];
  let run = output - sumPos;
  for (const f of pos) segments.push({ f, a: run, b: (run += f.value), up: true });
  run = output + sumNeg;
  for (const f of neg) segments.push({ f, a: run, b: (run += f.value), up: false });
  // segment labels under the bar: each centred on its segment (moved inwards at the edges), in the
  // first row where it overlaps no other label; wide segments first so they get the top row
  const LABEL_ROWS = 6;
  const rowsUsed: { lo: number; hi: number }[][] = Array.from({ length: LABEL_ROWS }, () => []);
  const labelAt = new Map<number, { x: number; row: number; text: string }>();
  const order = segments.map((_, i) => i).sort((i, j) => Math.abs(segments[j]!.b - segments[j]!.a) - Math.abs(segments[i]!.b - segments[i]!.a));
  for (const i of order) {
    const { f, a, b } = segments[i]!;
    const x0 = sx(axis, a);
    const x1 = sx(axis, b);
    if (Math.abs(x1 - x0) <= 14) continue;
    const text = ellipsize(featureLabel(f), width - 20, VALUE_FONT);
    const w = VALUE_FONT.measure(text);
    const cx = Math.min(Math.max((x0 + x1) / 2, 10 + w / 2), width - 10 - w / 2);
    const span = { lo: cx - w / 2 - 3, hi: cx + w / 2 + 3 };
    const row = rowsUsed.findIndex((r) => r.every((o) => span.hi <= o.lo || span.lo >= o.hi));
    if (row < 0) continue; // no room: the segment keeps its tooltip
    rowsUsed[row]!.push(span);
    labelAt.set(i, { x: cx, row, text });
  }
  const usedRows = Math.max(1, ...[...labelAt.values()].map((l) => l.row + 1));
  const rowStep = VALUE_FONT.lineHeight;
  segments.forEach(({ f, a, b, up }, i) => {
    const x0 = sx(axis, a);
    const x1 = sx(axis, b);
    const c = Math.min(5, Math.abs(x1 - x0) / 2);
    const d = up ? c : -c;
    const pts = [
      [x0, barY], [x1, barY], [x1 + d, barY + barH / 2], [x1, barY + barH], [x0, barY + barH], [x0 + d, barY + barH / 2],
    ].map(([p, q]) => `${px(p!)},${px(q!)}`).join(' ');
    const l = labelAt.get(i);
    parts.push(
      `<g class="force" data-feature="${escapeXml(f.name)}" data-value="${f.value}" data-start="${a}" data-end="${b}">` +
        `<title>${escapeXml(`${featureLabel(f)}: ${formatNumber(f.value, 4)}`)}</title>` +
        `<polygon points="${pts}" fill="${f.name === 'residual' && f.index === -1 ? '#999' : up ? POS : NEG}" stroke="#fff" stroke-width="1"/>` +
        (l ? svgText(l.x, barY + barH + 16 + rowStep * l.row, l.text, { anchor: 'middle', size: 10, fill: '#333' }) : '') +
        '</g>',
    );
  });
  const fx = sx(axis, output);
  parts.push(`<line x1="${px(fx)}" y1="${px(barY - 16)}" x2="${px(fx)}" y2="${px(barY + barH)}" stroke="#111" stroke-width="1.5"/>`);
  parts.push(centredLabel(`f(x) = ${formatNumber(output, 4)}`, fx, barY - 20, svgFont(12, true), width));
  const bx = sx(axis, base);
  parts.push(`<line x1="${px(bx)}" y1="${px(barY - 2)}" x2="${px(bx)}" y2="${px(barY + barH + 4)}" stroke="#666" stroke-dasharray="3,2"/>`);
  parts.push(centredLabel(`E[f(x)] = ${formatNumber(base, 4)}`, bx, barY - 6, VALUE_FONT, width, '#555'));
  const ay = barY + barH + 16 + rowStep * (usedRows - 1) + 20;
  drawAxis(parts, axis, ay, 'model output');
  signLegend(parts, 10, ay + 44, 'pushes higher', 'pushes lower');
  return svgDocument(width, ay + 64, input.title ?? 'Force plot', parts.join(''));
}
