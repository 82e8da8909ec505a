/**
 * Per-example tabular attributions as SVG: a bar chart sorted by |attribution|, SHAP's waterfall
 * (from the expected output E[f(x)] to this example's f(x)) and SHAP's force plot (features
 * pushing the output up, red-orange, or down, blue). Feature names and values are escaped.
 */
import { divergingColor } from './colormap.js';
import { checkFiniteNumber, featureLabel, prepareFeatures, topFeatures } from './features.js';
import type { Feature } from './features.js';
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

/** Horizontal bar chart of one example's attributions, sorted by |attribution|. */
export function barChartSvg(values: ArrayLike<number>, options: TabularOptions = {}): string {
  const feats = prepareFeatures(values, options.featureNames, options.featureValues);
  const { shown, rest } = topFeatures(feats, options.maxFeatures ?? 20);
  const rows: Feature[] = rest ? [...shown, rest] : shown;
  const labelW = Math.min(260, Math.max(80, ...rows.map((f) => textWidth(featureLabel(f), 11)))) + 16;
  const plotW = 360;
  const top = options.title ? 34 : 14;
  const rowH = 22;
  const width = labelW + plotW + 70;
  const axis = axisOf([0, ...rows.map((f) => f.value)], labelW, labelW + plotW);
  const height = top + rows.length * rowH + 70;
  const parts: string[] = [];
  if (options.title) parts.push(svgText(width / 2, 22, options.title, { anchor: 'middle', size: 14, weight: '600' }));
  const zx = sx(axis, 0);
  rows.forEach((f, i) => {
    const y = top + i * rowH;
    const x = sx(axis, f.value);
    parts.push(
      `<g class="bar" data-feature="${escapeXml(f.name)}" data-value="${f.value}">` +
        `<title>${escapeXml(`${featureLabel(f)}: ${formatNumber(f.value, 4)}`)}</title>` +
        svgText(labelW - 8, y + 15, featureLabel(f), { anchor: 'end', size: 11 }) +
        `<rect x="${px(Math.min(x, zx))}" y="${px(y + 3)}" width="${px(Math.abs(x - zx))}" height="${rowH - 6}" fill="${f.value >= 0 ? POS : NEG}"/>` +
        svgText(f.value >= 0 ? Math.max(x, zx) + 4 : Math.min(x, zx) - 4, y + 15, formatNumber(f.value), {
          anchor: f.value >= 0 ? 'start' : 'end',
          size: 10,
          fill: '#333',
        }) +
        '</g>',
    );
  });
  const by = top + rows.length * rowH + 4;
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
  const labelW = Math.min(260, Math.max(80, ...steps.map((s) => textWidth(s.label, 11)))) + 16;
  const plotW = 380;
  const top = (input.title ? 34 : 14) + 22;
  const rowH = 24;
  const width = labelW + plotW + 60;
  const axis = axisOf([base, output, ...steps.flatMap((s) => [s.start, s.end])], labelW, labelW + plotW);
  const height = top + steps.length * rowH + 74;
  const parts: string[] = [];
  if (input.title) parts.push(svgText(width / 2, 22, input.title, { anchor: 'middle', size: 14, weight: '600' }));
  const bx = sx(axis, base);
  const fx = sx(axis, output);
  const bottom = top + steps.length * rowH;
  parts.push(`<line x1="${px(bx)}" y1="${px(top - 6)}" x2="${px(bx)}" y2="${px(bottom)}" stroke="#888" stroke-dasharray="3,3"/>`);
  parts.push(`<line x1="${px(fx)}" y1="${px(top - 6)}" x2="${px(fx)}" y2="${px(bottom)}" stroke="#333" stroke-dasharray="3,3"/>`);
  parts.push(svgText(fx, top - 10, `f(x) = ${formatNumber(output, 4)}`, { anchor: 'middle', size: 11, weight: '600' }));
  steps.forEach((s, i) => {
    const y = top + i * rowH;
    const x0 = sx(axis, s.start);
    const x1 = sx(axis, s.end);
    const dir = s.value >= 0 ? 1 : -1;
    const head = Math.min(6, Math.abs(x1 - x0));
    const fill = s.name === 'residual' ? '#999' : s.value >= 0 ? POS : NEG;
    const yt = y + 4;
    const yb = y + rowH - 4;
    const pts = [
      [x0, yt], [x1 - dir * head, yt], [x1, (yt + yb) / 2], [x1 - dir * head, yb], [x0, yb],
    ].map(([a, b]) => `${px(a!)},${px(b!)}`).join(' ');
    parts.push(
      `<g class="step" data-feature="${escapeXml(s.name)}" data-value="${s.value}" data-start="${s.start}" data-end="${s.end}">` +
        `<title>${escapeXml(`${s.label}: ${formatNumber(s.value, 4)} (${formatNumber(s.start, 4)} → ${formatNumber(s.end, 4)})`)}</title>` +
        svgText(labelW - 8, y + 16, s.label, { anchor: 'end', size: 11 }) +
        `<polygon points="${pts}" fill="${fill}"/>` +
        svgText(dir > 0 ? Math.max(x0, x1) + 4 : Math.min(x0, x1) - 4, y + 16, `${s.value >= 0 ? '+' : ''}${formatNumber(s.value)}`, {
          anchor: dir > 0 ? 'start' : 'end',
          size: 10,
          fill: '#333',
        }) +
        '</g>',
    );
  });
  drawAxis(parts, axis, bottom + 4, 'model output');
  parts.push(svgText(bx, bottom + 50, `E[f(x)] = ${formatNumber(base, 4)}`, { anchor: 'middle', size: 11, fill: '#555' }));
  signLegend(parts, 10, height - 14, 'raises the output', 'lowers the output');
  return svgDocument(width, height, input.title ?? 'Waterfall: from E[f(x)] to f(x)', parts.join(''));
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
  const top = input.title ? 34 : 10;
  const axis = axisOf([base, output, output - sumPos, output + sumNeg], 30, width - 30);
  const barY = top + 40;
  const barH = 22;
  const parts: string[] = [];
  if (input.title) parts.push(svgText(width / 2, 22, input.title, { anchor: 'middle', size: 14, weight: '600' }));
  const segments: { f: Feature; a: number; b: number; up: boolean }[] = [];
  let run = output - sumPos;
  for (const f of pos) segments.push({ f, a: run, b: (run += f.value), up: true });
  run = output + sumNeg;
  for (const f of neg) segments.push({ f, a: run, b: (run += f.value), up: false });
  let labelRow = 0;
  for (const { f, a, b, up } of segments) {
    const x0 = sx(axis, a);
    const x1 = sx(axis, b);
    const c = Math.min(5, Math.abs(x1 - x0) / 2);
    const d = up ? c : -c;
    const pts = [
      [x0, barY], [x1, barY], [x1 + d, barY + barH / 2], [x1, barY + barH], [x0, barY + barH], [x0 + d, barY + barH / 2],
    ].map(([p, q]) => `${px(p!)},${px(q!)}`).join(' ');
    const mid = (x0 + x1) / 2;
    const wide = Math.abs(x1 - x0) > 40;
    const ly = barY + barH + 16 + (wide ? 0 : 12 * (labelRow++ % 3));
    parts.push(
      `<g class="force" data-feature="${escapeXml(f.name)}" data-value="${f.value}" data-start="${a}" data-end="${b}">` +
        `<title>${escapeXml(`${featureLabel(f)}: ${formatNumber(f.value, 4)}`)}</title>` +
        `<polygon points="${pts}" fill="${f.name === 'residual' && f.index === -1 ? '#999' : up ? POS : NEG}" stroke="#fff" stroke-width="1"/>` +
        (Math.abs(x1 - x0) > 14 ? svgText(mid, ly, featureLabel(f), { anchor: 'middle', size: 10, fill: '#333' }) : '') +
        '</g>',
    );
  }
  const fx = sx(axis, output);
  parts.push(`<line x1="${px(fx)}" y1="${px(barY - 16)}" x2="${px(fx)}" y2="${px(barY + barH)}" stroke="#111" stroke-width="1.5"/>`);
  parts.push(svgText(fx, barY - 20, `f(x) = ${formatNumber(output, 4)}`, { anchor: 'middle', size: 12, weight: '600' }));
  const bx = sx(axis, base);
  parts.push(`<line x1="${px(bx)}" y1="${px(barY - 8)}" x2="${px(bx)}" y2="${px(barY + barH + 4)}" stroke="#666" stroke-dasharray="3,2"/>`);
  parts.push(svgText(bx, barY - 6, `E[f(x)] = ${formatNumber(base, 4)}`, { anchor: 'middle', size: 10, fill: '#555' }));
  const ay = barY + barH + 60;
  drawAxis(parts, axis, ay, 'model output');
  signLegend(parts, 10, ay + 44, 'pushes higher', 'pushes lower');
  return svgDocument(width, ay + 64, input.title ?? 'Force plot', parts.join(''));
}
