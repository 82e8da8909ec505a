/**
 * Pictures of a surrogate tree (issue 13): the tree diagram (split nodes with their test and row
 * count, leaves filled with their class colour — or a sequential colour by value for regression —
 * with the class, count and purity; "yes" / "no" on the edges) and the rule table (one row per
 * IF–THEN rule: conditions, class swatch and name, support, confidence). Each is one Scene drawn
 * as SVG and PNG (scene.ts).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { DecisionTree, TreeRule } from '@glasswing/core';
import type { Rgb } from './raster.js';
import { categorical, labelWidth, scenePng, sceneSvg, type Scene, type SceneItem } from './scene.js';
import { sequentialColor } from './sequential.js';

const INK: Rgb = [30, 30, 30];
const MUTED: Rgb = [110, 110, 110];
const EDGE: Rgb = [150, 150, 150];
const SPLIT_FILL: Rgb = [245, 245, 245];

export interface TreeDiagramInput {
  readonly tree: DecisionTree;
  readonly featureNames: readonly string[];
  readonly classNames?: readonly string[];
  readonly title?: string;
}

/** A class colour lightened towards white (fill) keeping text readable. */
function tint(c: Rgb, t = 0.55): Rgb {
  return [Math.round(c[0] + (255 - c[0]) * t), Math.round(c[1] + (255 - c[1]) * t), Math.round(c[2] + (255 - c[2]) * t)];
}

function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return String(Number(a >= 1000 ? v.toFixed(1) : a >= 1 ? v.toPrecision(4) : v.toPrecision(3)));
}

function className(input: TreeDiagramInput, k: number): string {
  return input.classNames?.[k] ?? `class ${k}`;
}

/** Lines of text in a node's box. */
function nodeLines(input: TreeDiagramInput, id: number): string[] {
  const { tree } = input;
  const nd = tree.nodes[id]!;
  const lines: string[] = [];
  if (nd.feature >= 0) lines.push(`${input.featureNames[nd.feature] ?? `x${nd.feature}`} ≤ ${num(nd.threshold)}`);
  if (tree.task === 'classification') {
    const purity = nd.value[nd.prediction]! / nd.samples;
    lines.push(nd.feature >= 0 ? `n = ${nd.samples}` : className(input, nd.prediction));
    if (nd.feature < 0) lines.push(`n = ${nd.samples} · ${Math.round(100 * purity)}%`);
  } else {
    lines.push(nd.feature >= 0 ? `n = ${nd.samples}` : `value ${num(nd.prediction)}`);
    if (nd.feature < 0) lines.push(`n = ${nd.samples}`);
  }
  return lines;
}

function treeScene(input: TreeDiagramInput): Scene {
  const { tree } = input;
  if (!tree || !Array.isArray(tree.nodes) || tree.nodes.length === 0) throw new InvalidArgumentError('treeDiagram needs a fitted tree with nodes');
  const nodes = tree.nodes;
  const lines = nodes.map((_, id) => nodeLines(input, id));
  const boxW = Math.ceil(Math.max(80, ...lines.flat().map((l) => labelWidth(l))) + 14);
  const lineH = 14;
  const boxH = Math.max(...lines.map((l) => l.length)) * lineH + 10;
  const gapX = 12;
  const levelH = boxH + 40;
  // In-order leaf slots; a split sits above the middle of its children.
  const xs = new Float64Array(nodes.length);
  let slot = 0;
  const place = (id: number): number => {
    const nd = nodes[id]!;
    if (nd.feature < 0) xs[id] = slot++ * (boxW + gapX);
    else xs[id] = (place(nd.left) + place(nd.right)) / 2;
    return xs[id]!;
  };
  place(0);
  const marginX = 16;
  const top = 34;
  const legendH = tree.task === 'classification' ? 26 : 26;
  const width = Math.max(slot * (boxW + gapX) - gapX + 2 * marginX, 360);
  const height = top + (tree.depth + 1) * levelH - 40 + legendH + 16;
  const offset = (width - (slot * (boxW + gapX) - gapX)) / 2;
  const items: SceneItem[] = [];
  const title = input.title ?? `Surrogate tree (depth ${tree.depth}, ${tree.leaves} leaves)`;
  items.push({ kind: 'text', x: width / 2, y: 20, text: title, anchor: 'middle', bold: true, big: true });
  let vmin = Infinity;
  let vmax = -Infinity;
  for (const nd of nodes) if (nd.feature < 0) [vmin, vmax] = [Math.min(vmin, nd.prediction), Math.max(vmax, nd.prediction)];
  const leafColor = (p: number): Rgb => (tree.task === 'classification' ? tint(categorical(p)) : tint(sequentialColor(vmax > vmin ? (p - vmin) / (vmax - vmin) : 0.5), 0.4));
  const boxX = (id: number) => offset + xs[id]!;
  const boxY = (id: number) => top + nodes[id]!.depth * levelH;
  for (const nd of nodes) {
    if (nd.feature < 0) continue;
    for (const [child, label] of [[nd.left, 'yes'], [nd.right, 'no']] as const) {
      const x1 = boxX(nd.id) + boxW / 2;
      const y1 = boxY(nd.id) + boxH;
      const x2 = boxX(child) + boxW / 2;
      const y2 = boxY(child);
      items.push({ kind: 'line', x1, y1, x2, y2, color: EDGE });
      // Above the edge's midpoint, on the outer side (the edge rises towards the parent there).
      items.push({ kind: 'text', x: (x1 + x2) / 2 + (label === 'yes' ? -6 : 6), y: (y1 + y2) / 2 - 3, text: label, anchor: label === 'yes' ? 'end' : 'start', color: MUTED });
    }
  }
  for (const nd of nodes) {
    const x = boxX(nd.id);
    const y = boxY(nd.id);
    const leaf = nd.feature < 0;
    items.push({ kind: 'rect', x, y, w: boxW, h: boxH, fill: leaf ? leafColor(nd.prediction) : SPLIT_FILL, stroke: leaf && tree.task === 'classification' ? categorical(nd.prediction) : EDGE });
    lines[nd.id]!.forEach((t, k) => items.push({ kind: 'text', x: x + boxW / 2, y: y + 16 + k * lineH, text: t, anchor: 'middle', bold: k === 0, color: INK }));
  }
  // Legend: class swatches (classification) or the value range (regression).
  const ly = height - legendH;
  if (tree.task === 'classification') {
    let lx = marginX;
    const shown = new Set(nodes.filter((n) => n.feature < 0).map((n) => n.prediction));
    for (let k = 0; k < tree.classes; k++) {
      if (!shown.has(k)) continue;
      items.push({ kind: 'rect', x: lx, y: ly, w: 12, h: 12, fill: tint(categorical(k)), stroke: categorical(k) });
      const name = className(input, k);
      items.push({ kind: 'text', x: lx + 17, y: ly + 10, text: name, color: INK });
      lx += 30 + labelWidth(name);
    }
    items.push({ kind: 'text', x: width - marginX, y: ly + 10, text: 'left branch: test true (yes)', anchor: 'end', color: MUTED });
  } else {
    // Leaf colour scale: the lowest and the highest leaf value with their swatches.
    let lx = marginX;
    items.push({ kind: 'text', x: lx, y: ly + 10, text: 'leaf value:', color: MUTED });
    lx += labelWidth('leaf value:') + 8;
    for (const v of vmax > vmin ? [vmin, vmax] : [vmin]) {
      items.push({ kind: 'rect', x: lx, y: ly, w: 12, h: 12, fill: leafColor(v), stroke: EDGE });
      const t = `${num(v)}${vmax > vmin ? (v === vmin ? ' (lowest)' : ' (highest)') : ''}`;
      items.push({ kind: 'text', x: lx + 17, y: ly + 10, text: t, color: INK });
      lx += 30 + labelWidth(t);
    }
  }
  return { width: Math.ceil(width), height: Math.ceil(height), title, items };
}

/** The tree diagram as an SVG document. */
export function treeDiagramSvg(input: TreeDiagramInput): string {
  return sceneSvg(treeScene(input));
}

/** The tree diagram as PNG bytes (scale 2). */
export function treeDiagramPng(input: TreeDiagramInput, scale = 2): Uint8Array {
  return scenePng(treeScene(input), scale);
}

export interface RuleTableInput {
  readonly rules: readonly TreeRule[];
  readonly task: 'classification' | 'regression';
  readonly title?: string;
  /** Rows shown (default all). */
  readonly maxRules?: number;
}

function ruleScene(input: RuleTableInput): Scene {
  if (!input || !Array.isArray(input.rules)) throw new InvalidArgumentError('ruleTable needs {rules, task}');
  const rules = input.rules.slice(0, input.maxRules ?? input.rules.length);
  const cls = input.task === 'classification';
  const cond = (r: TreeRule) => (r.conditions.length ? r.text.replace(/^IF (.*) THEN .*$/, '$1') : 'TRUE (every row)');
  const then = (r: TreeRule) => (cls ? r.className ?? `class ${r.prediction}` : r.std !== undefined ? `${num(r.prediction)} ± ${num(r.std)}` : num(r.prediction));
  const head = ['#', 'IF', 'THEN', 'support', ...(cls ? ['confidence'] : [])];
  const cells = rules.map((r, i) => [String(i + 1), cond(r), then(r), `${r.support} (${(100 * r.coverage).toFixed(1)}%)`, ...(cls ? [`${(100 * r.confidence!).toFixed(1)}%`] : [])]);
  const pad = 10;
  const swatch = cls ? 18 : 0;
  const colW = head.map((h, j) => Math.ceil(Math.max(labelWidth(h), ...cells.map((c) => labelWidth(c[j]!))) + 2 * pad + (j === 2 ? swatch : 0)));
  const rowH = 22;
  const top = 34;
  const margin = 12;
  const width = Math.max(colW.reduce((s, w) => s + w, 0) + 2 * margin, 320);
  const height = top + (rules.length + 1) * rowH + margin;
  const title = input.title ?? `Surrogate rules (${rules.length}${rules.length < input.rules.length ? ` of ${input.rules.length}` : ''})`;
  const items: SceneItem[] = [{ kind: 'text', x: width / 2, y: 20, text: title, anchor: 'middle', bold: true, big: true }];
  const colX = colW.map((_, j) => margin + colW.slice(0, j).reduce((s, w) => s + w, 0));
  const right = (j: number) => j === 0 || j >= 3;
  head.forEach((h, j) => items.push({ kind: 'text', x: right(j) ? colX[j]! + colW[j]! - pad : colX[j]! + pad, y: top + 15, text: h, anchor: right(j) ? 'end' : 'start', bold: true }));
  items.push({ kind: 'line', x1: margin, y1: top + rowH, x2: width - margin, y2: top + rowH, color: INK });
  cells.forEach((row, i) => {
    const y = top + (i + 1) * rowH;
    if (i % 2 === 1) items.push({ kind: 'rect', x: margin, y, w: width - 2 * margin, h: rowH, fill: [247, 247, 247] });
    row.forEach((t, j) => {
      let x = right(j) ? colX[j]! + colW[j]! - pad : colX[j]! + pad;
      if (j === 2 && cls) {
        const c = categorical(rules[i]!.prediction);
        items.push({ kind: 'rect', x, y: y + 5, w: 12, h: 12, fill: tint(c), stroke: c });
        x += swatch;
      }
      items.push({ kind: 'text', x, y: y + 15, text: t, anchor: right(j) ? 'end' : 'start', color: INK });
    });
  });
  return { width: Math.ceil(width), height: Math.ceil(height), title, items };
}

/** The rule table as an SVG document. */
export function ruleTableSvg(input: RuleTableInput): string {
  return sceneSvg(ruleScene(input));
}

/** The rule table as PNG bytes (scale 2). */
export function ruleTablePng(input: RuleTableInput, scale = 2): Uint8Array {
  return scenePng(ruleScene(input), scale);
}
