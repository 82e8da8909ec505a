/**
 * Before / after counterfactual bars: one block per counterfactual, headed by the prediction
 * before → after; in it one row per changed feature with two horizontal bars on that feature's
 * own axis (its range, or the span of the two values): the original value in grey and the
 * counterfactual value in blue (increase) or red (decrease), each labelled with its value.
 * Features have different units, so each row has its own axis, drawn as a thin baseline with its
 * end values. A categorical feature (a one-hot group) is one text row, "name: before → after".
 * One Scene drawn as SVG and PNG (scene.ts).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { Rgb } from './raster.js';
import { labelWidth, scenePng, sceneSvg, type Scene, type SceneItem } from './scene.js';
import { formatNumber } from './svg.js';

const INK: Rgb = [30, 30, 30];
const GREY: Rgb = [165, 165, 165];
const MUTED: Rgb = [110, 110, 110];
const UP: Rgb = [78, 121, 167];
const DOWN: Rgb = [225, 87, 89];
const AXIS: Rgb = [215, 215, 215];

export interface CounterfactualChartInput {
  readonly title?: string;
  /** Under the title (e.g. the method and the desired outcome). */
  readonly subtitle?: string;
  /** The original prediction, as shown (e.g. "class 0 (p = 0.31)"). */
  readonly before: string;
  readonly counterfactuals: readonly {
    /** The counterfactual's prediction, as shown. */
    readonly after: string;
    /** Extra header text (e.g. the distance). */
    readonly note?: string;
    readonly changes: readonly { readonly name: string; readonly before: number; readonly after: number }[];
    /** Categorical features changed (drawn as one text row each: name: before → after). */
    readonly categories?: readonly { readonly name: string; readonly before: string; readonly after: string }[];
  }[];
  /** Axis per feature name (default: the span of its values, padded). */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
}

function scene(input: CounterfactualChartInput): Scene {
  if (input.counterfactuals.length === 0) throw new InvalidArgumentError('counterfactual chart: no counterfactuals');
  const title = input.title ?? 'Counterfactual: before → after';
  const items: SceneItem[] = [];
  const names = input.counterfactuals.flatMap((c) => [...c.changes.map((ch) => ch.name), ...(c.categories ?? []).map((ch) => ch.name)]);
  const nameW = Math.max(60, ...names.map((n) => labelWidth(n)));
  const left = 16 + nameW + 12;
  const barW = 300;
  const valW = 70;
  const rowH = 34;
  const headers = input.counterfactuals.map((c, i) => `#${i + 1}: ${input.before} → ${c.after}${c.note ? ` · ${c.note}` : ''}`);
  const width = Math.max(left + barW + valW + 16, labelWidth(title, true) + 40, ...headers.map((h) => labelWidth(h, false) + 40), input.subtitle ? labelWidth(input.subtitle) + 40 : 0, 420);
  items.push({ kind: 'text', x: 16, y: 24, text: title, bold: true, big: true });
  let y = 42;
  if (input.subtitle) {
    items.push({ kind: 'text', x: 16, y, text: input.subtitle, color: MUTED });
    y += 18;
  }
  // Legend.
  let lx = 16;
  for (const [label, color] of [['original', GREY], ['counterfactual: increase', UP], ['counterfactual: decrease', DOWN]] as const) {
    items.push({ kind: 'rect', x: lx, y: y - 9, w: 12, h: 12, fill: color });
    items.push({ kind: 'text', x: lx + 17, y: y + 1, text: label });
    lx += 17 + labelWidth(label) + 18;
  }
  y += 14;
  input.counterfactuals.forEach((cf, ci) => {
    y += 18;
    items.push({ kind: 'line', x1: 16, y1: y - 13, x2: width - 16, y2: y - 13, color: AXIS });
    items.push({ kind: 'text', x: 16, y, text: headers[ci]!, bold: true });
    y += 8;
    for (const cat of cf.categories ?? []) {
      items.push({ kind: 'text', x: left - 10, y: y + 19, text: cat.name, anchor: 'end' });
      items.push({ kind: 'text', x: left, y: y + 19, text: cat.before, color: MUTED });
      const bw = labelWidth(cat.before);
      items.push({ kind: 'text', x: left + bw + 8, y: y + 19, text: '→', color: MUTED });
      items.push({ kind: 'text', x: left + bw + 26, y: y + 19, text: cat.after, bold: true, color: UP });
      y += 26;
    }
    if (cf.changes.length === 0 && (cf.categories ?? []).length === 0) {
      items.push({ kind: 'text', x: 16, y: y + 14, text: 'no feature changed', color: MUTED });
      y += rowH;
      return;
    }
    for (const ch of cf.changes) {
      const given = input.ranges?.[ch.name];
      let lo = Math.min(ch.before, ch.after, given?.[0] ?? Infinity);
      let hi = Math.max(ch.before, ch.after, given?.[1] ?? -Infinity);
      if (!given) {
        // Start at 0 for non-negative values near it (bar lengths then compare), else pad.
        const span = hi - lo || Math.abs(hi) || 1;
        lo = lo >= 0 && lo <= 3 * span ? 0 : lo - 0.15 * span;
        hi += 0.15 * span;
      }
      const sx = (v: number) => left + ((v - lo) / (hi - lo)) * barW;
      const top = y + 4;
      items.push({ kind: 'text', x: left - 10, y: top + 15, text: ch.name, anchor: 'end' });
      items.push({ kind: 'line', x1: left, y1: top + 24, x2: left + barW, y2: top + 24, color: AXIS });
      items.push({ kind: 'rect', x: left, y: top, w: Math.max(1, sx(ch.before) - left), h: 10, fill: GREY });
      items.push({ kind: 'rect', x: left, y: top + 12, w: Math.max(1, sx(ch.after) - left), h: 10, fill: ch.after >= ch.before ? UP : DOWN });
      items.push({ kind: 'text', x: sx(ch.before) + 5, y: top + 9, text: formatNumber(ch.before), color: MUTED });
      items.push({ kind: 'text', x: sx(ch.after) + 5, y: top + 21, text: formatNumber(ch.after), bold: true });
      items.push({ kind: 'text', x: left, y: top + 34, text: formatNumber(lo), color: MUTED });
      items.push({ kind: 'text', x: left + barW, y: top + 34, text: formatNumber(hi), anchor: 'end', color: MUTED });
      y += rowH + 6;
    }
  });
  return { width, height: y + 12, title, items };
}

export function counterfactualChartSvg(input: CounterfactualChartInput): string {
  return sceneSvg(scene(input));
}

export function counterfactualChartPng(input: CounterfactualChartInput): Uint8Array {
  return scenePng(scene(input));
}
