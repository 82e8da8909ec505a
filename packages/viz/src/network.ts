/**
 * Model structure from the IR graph: a per-layer summary (op, output shape, parameter count,
 * producers) and a layered DAG diagram as SVG (boxes = layers, arrows = tensors flowing
 * between them; branches and merges such as Concat/Add get several incoming arrows).
 *
 * Layout: the input is rank 0; every node sits one rank below its deepest producer (longest
 * path), ranks are drawn top to bottom, and nodes inside a rank are ordered by the mean
 * position of their producers (one barycentre sweep) to keep arrows short.
 */
import { inferGraphShapes, sizeOf } from '@glasswing/core';
import type { Graph, GraphNode } from '@glasswing/core';
import { ellipsize, placeLine, placeText, svgFont, svgLabel, wrapText } from './labels.js';
import type { LabelBox, Rect } from './labels.js';
import { escapeXml, px, svgDocument } from './svg.js';

export interface LayerSummary {
  readonly name: string;
  readonly op: string;
  /** Output shape with the batch dimension (-1 = dynamic), undefined if shapes could not be inferred. */
  readonly outputShape?: readonly number[];
  /** Parameters (initializer elements) first used by this node. */
  readonly params: number;
  /** Initializer inputs and their shapes. */
  readonly paramShapes: Readonly<Record<string, readonly number[]>>;
  /** Names of the producing nodes (or the graph input's name). */
  readonly from: readonly string[];
}

export interface GraphSummary {
  readonly name: string;
  readonly input: { readonly name: string; readonly shape: readonly number[] };
  readonly output: string;
  readonly layers: readonly LayerSummary[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly tensor: string }[];
  readonly totalParams: number;
}

/** Shapes for every tensor, or {} when inference fails (e.g. an op this version cannot shape). */
function safeShapes(graph: Graph): Record<string, readonly number[]> {
  try {
    return inferGraphShapes(graph);
  } catch {
    return {};
  }
}

/** Per-layer summary of a graph (see LayerSummary). */
export function summarizeGraph(graph: Graph, shapes?: Readonly<Record<string, readonly number[]>>): GraphSummary {
  const known = shapes ?? safeShapes(graph);
  const input = graph.inputs[0] ?? { name: 'input', shape: [] };
  const producer = new Map<string, string>([[input.name, input.name]]);
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n.name);
  const counted = new Set<string>();
  const edges: { from: string; to: string; tensor: string }[] = [];
  let totalParams = 0;
  const layers = graph.nodes.map((n: GraphNode): LayerSummary => {
    let params = 0;
    const paramShapes: Record<string, readonly number[]> = {};
    const from: string[] = [];
    for (const t of n.inputs) {
      if (t === '') continue;
      const init = graph.initializers[t];
      if (init) {
        paramShapes[t] = init.shape;
        if (!counted.has(t)) {
          counted.add(t);
          params += sizeOf(init.shape);
        }
        continue;
      }
      const p = producer.get(t);
      if (p !== undefined) {
        if (!from.includes(p)) from.push(p);
        edges.push({ from: p, to: n.name, tensor: t });
      }
    }
    totalParams += params;
    const out = n.outputs[0];
    return { name: n.name, op: n.op, outputShape: out !== undefined ? known[out] : undefined, params, paramShapes, from };
  });
  return { name: graph.name, input: { name: input.name, shape: input.shape }, output: graph.outputs[0] ?? '', layers, edges, totalParams };
}

/** "N×28×28×1"-style shape text (-1 -> N). */
export function formatShape(shape: readonly number[] | undefined): string {
  if (!shape) return '?';
  return shape.length === 0 ? 'scalar' : shape.map((d) => (d < 0 ? 'N' : String(d))).join('×');
}

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const CATEGORY: Readonly<Record<string, string>> = {
  Gemm: 'dense', MatMul: 'dense', Conv: 'conv', ConvTranspose: 'conv',
  Relu: 'activation', LeakyRelu: 'activation', Sigmoid: 'activation', Tanh: 'activation', Softmax: 'activation',
  LogSoftmax: 'activation', Gelu: 'activation', Clip: 'activation', Erf: 'activation',
  MaxPool: 'pooling', AveragePool: 'pooling', GlobalAveragePool: 'pooling',
  BatchNormalization: 'normalization', LayerNormalization: 'normalization',
  Concat: 'merge', Add: 'merge', Sub: 'merge', Mul: 'merge', Div: 'merge',
};
const CATEGORY_FILL: Readonly<Record<string, string>> = {
  input: '#e8e8e8', dense: '#dbe7f5', conv: '#d9eee6', activation: '#fbe7d3', pooling: '#e9e1f4',
  normalization: '#f4f0c8', merge: '#f6d9de', other: '#f2f2f2',
};

export interface NetworkDiagramOptions {
  /** Tensor shapes (default: inferred from the graph). */
  readonly shapes?: Readonly<Record<string, readonly number[]>>;
  readonly title?: string;
}

export interface DiagramNode {
  readonly name: string;
  readonly category: string;
  readonly op: string;
  readonly params: number;
  readonly box: Rect;
  /** Full texts of the three lines: name, op and shape, parameters. */
  readonly lines: readonly [string, string, string];
  /** The lines as drawn: the name on up to two lines, an ellipsis only beyond them. */
  readonly labels: readonly LabelBox[];
}

export interface DiagramLegendItem {
  readonly category: string;
  readonly swatch: Rect;
  readonly label: LabelBox;
}

/** Where `networkDiagramSvg` puts everything: node boxes, edges, legend rows and every label. */
export interface NetworkDiagramLayout {
  readonly width: number;
  readonly height: number;
  readonly summary: GraphSummary;
  readonly nodes: readonly DiagramNode[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly tensor: string; readonly path: readonly [number, number, number, number] }[];
  /** The legend: one swatch and label per category (wrapped into rows), then the totals line(s). */
  readonly legend: { readonly area: Rect; readonly items: readonly DiagramLegendItem[]; readonly notes: readonly LabelBox[] };
  /** Every text line drawn (title, node lines, legend), each with the box it must fit in. */
  readonly labels: readonly LabelBox[];
}

const NODE_FONTS = [svgFont(12, true), svgFont(11), svgFont(10)] as const;
const NODE_ROLES = ['node-name', 'node-op', 'node-params'] as const;
const LEGEND_FONT = svgFont(11);
const MARGIN = 12;

/** Ranks (longest path from the input) and in-rank positions (one barycentre sweep). */
function rankNodes(s: GraphSummary): { rank: Map<string, number>; col: Map<string, number>; ranks: string[][] } {
  const rank = new Map<string, number>([[s.input.name, 0]]);
  for (const l of s.layers) rank.set(l.name, 1 + Math.max(0, ...l.from.map((f) => rank.get(f) ?? 0)));
  const ranks: string[][] = [];
  const place = (name: string, r: number) => (ranks[r] ??= []).push(name);
  place(s.input.name, 0);
  for (const l of s.layers) place(l.name, rank.get(l.name)!);
  const col = new Map<string, number>();
  const fromOf = new Map(s.layers.map((l) => [l.name, l.from] as const));
  ranks.forEach((names, r) => {
    if (r > 0) {
      const bary = (n: string) => {
        const f = fromOf.get(n) ?? [];
        return f.length ? f.reduce((a, p) => a + (col.get(p) ?? 0), 0) / f.length : 0;
      };
      names.sort((a, b) => bary(a) - bary(b));
    }
    names.forEach((n, i) => col.set(n, i - (names.length - 1) / 2));
  });
  return { rank, col, ranks };
}

/** Lay out the network diagram (see the module comment); `networkDiagramSvg` draws this. */
export function networkDiagramLayout(graph: Graph, options: NetworkDiagramOptions = {}): NetworkDiagramLayout {
  const s = summarizeGraph(graph, options.shapes);
  const { rank, col, ranks } = rankNodes(s);
  const outputLayer = graph.nodes.find((n) => n.outputs.includes(s.output))?.name;
  const content: { name: string; category: string; op: string; params: number; lines: [string, string, string] }[] = [
    { name: s.input.name, category: 'input', op: 'Input', params: 0, lines: [s.input.name, `Input ${formatShape(s.input.shape)}`, 'graph input'] },
    ...s.layers.map((l) => ({
      name: l.name,
      category: CATEGORY[l.op] ?? 'other',
      op: l.op,
      params: l.params,
      lines: [l.name, `${l.op} → ${formatShape(l.outputShape)}`, `${l.params > 0 ? `${formatCount(l.params)} params` : 'no params'}${l.name === outputLayer ? ' · output' : ''}`] as [string, string, string],
    })),
  ];
  // boxes as wide as their longest line (190-320 px); longer names are cut with an ellipsis
  const pad = 8;
  const need = Math.max(...content.flatMap((c) => c.lines.map((t, i) => NODE_FONTS[i]!.measure(t))));
  const boxW = Math.ceil(Math.min(320, Math.max(190, need + 2 * pad)));
  // names wider than the widest box wrap onto a second line (all boxes grow alike)
  const nameLines = Math.max(...content.map((c) => wrapText(c.lines[0], boxW - 2 * pad, NODE_FONTS[0], 2).lines.length));
  const extra = (nameLines - 1) * NODE_FONTS[0].lineHeight;
  const boxH = 50 + extra;
  const gapX = 24;
  const gapY = 34;
  const maxPerRank = Math.max(...ranks.map((r) => r.length));
  const width = Math.max(420, maxPerRank * (boxW + gapX) + gapX);
  const labels: LabelBox[] = [];
  let top = MARGIN;
  if (options.title) {
    const t = placeText(options.title, { x: MARGIN, y: 8, width: width - 2 * MARGIN }, svgFont(15, true), { role: 'title', align: 'middle', maxLines: 2 });
    labels.push(...t.labels);
    top = 8 + t.height + 10;
  }
  const pos = (n: string) => ({ x: width / 2 + col.get(n)! * (boxW + gapX) - boxW / 2, y: top + rank.get(n)! * (boxH + gapY) });
  const nodes: DiagramNode[] = content.map((c) => {
    const { x, y } = pos(c.name);
    const box: Rect = { x, y, width: boxW, height: boxH };
    const inner: Rect = { x: x + pad, y, width: boxW - 2 * pad, height: boxH };
    // name, op and parameter lines as one block, centred in the box
    const measured = placeText(c.lines[0], { x: inner.x, y: 0, width: inner.width }, NODE_FONTS[0], { role: NODE_ROLES[0], align: 'middle', maxLines: 2 });
    const y0 = y + 3 + Math.floor((extra - (measured.height - NODE_FONTS[0].height)) / 2);
    const name = measured.labels.map((l) => ({ ...l, y: l.y + y0 }));
    const below = y0 + measured.height + 2;
    const rest = c.lines.slice(1).flatMap((t, i) => placeLine(t, inner, below + [0, 14][i]!, NODE_FONTS[i + 1]!, NODE_ROLES[i + 1]!, 'middle') ?? []);
    const own = [...name.map((l) => ({ ...l, box: inner })), ...rest];
    labels.push(...own);
    return { name: c.name, category: c.category, op: c.op, params: c.params, box, lines: c.lines, labels: own };
  });
  const edges = s.edges.map((e) => {
    const a = pos(e.from);
    const b = pos(e.to);
    return { ...e, path: [a.x + boxW / 2, a.y + boxH, b.x + boxW / 2, b.y - 5] as const };
  });
  // legend: the categories present, wrapped into rows inside the margins, then the totals
  const legendTop = top + ranks.length * (boxH + gapY);
  const areaW = width - 2 * MARGIN;
  const cats = ['input', ...new Set(s.layers.map((l) => CATEGORY[l.op] ?? 'other'))];
  const rowH = 20;
  const items: DiagramLegendItem[] = [];
  const area0: Rect = { x: MARGIN, y: legendTop, width: areaW, height: 0 };
  let lx = MARGIN;
  let ly = legendTop;
  const placed: { category: string; x: number; y: number; text: string }[] = [];
  for (const c of cats) {
    const text = ellipsize(c, areaW - 18, LEGEND_FONT);
    const w = 18 + LEGEND_FONT.measure(text);
    if (lx > MARGIN && lx + w > MARGIN + areaW) {
      lx = MARGIN;
      ly += rowH;
    }
    placed.push({ category: c, x: lx, y: ly, text });
    lx += w + 16;
  }
  const notesTop = ly + rowH + 2;
  const notes = placeText(`${s.layers.length} layers · ${formatCount(s.totalParams)} parameters · arrows: tensors (data flow)`, { x: MARGIN, y: notesTop, width: areaW }, LEGEND_FONT, { role: 'legend', maxLines: 3 });
  const area: Rect = { ...area0, height: notesTop + notes.height - legendTop };
  for (const p of placed) {
    const label: LabelBox = { text: p.text, role: 'legend', x: p.x + 18, y: p.y + 1, width: LEGEND_FONT.measure(p.text), height: LEGEND_FONT.height, box: area, align: 'start', truncated: p.text !== p.category, font: LEGEND_FONT };
    items.push({ category: p.category, swatch: { x: p.x, y: p.y, width: 14, height: 14 }, label });
    labels.push(label);
  }
  const noteLabels = notes.labels.map((l) => ({ ...l, box: area }));
  labels.push(...noteLabels);
  const height = area.y + area.height + MARGIN;
  return { width, height, summary: s, nodes, edges, legend: { area, items, notes: noteLabels }, labels };
}

/** The network-structure diagram as an SVG document (see the module comment). */
export function networkDiagramSvg(graph: Graph, options: NetworkDiagramOptions = {}): string {
  const d = networkDiagramLayout(graph, options);
  const parts: string[] = [];
  for (const l of d.labels.filter((l) => l.role === 'title')) parts.push(svgLabel(l));
  // edges first (under the boxes)
  for (const e of d.edges) {
    const [x1, y1, x2, y2] = e.path;
    const my = (y1 + y2) / 2;
    parts.push(
      `<g class="edge" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}" data-tensor="${escapeXml(e.tensor)}">` +
        `<path d="M${px(x1)},${px(y1)} C${px(x1)},${px(my)} ${px(x2)},${px(my)} ${px(x2)},${px(y2)}" fill="none" stroke="#777" stroke-width="1.3"/>` +
        `<polygon points="${px(x2 - 4)},${px(y2 - 1)} ${px(x2 + 4)},${px(y2 - 1)} ${px(x2)},${px(y2 + 5)}" fill="#777"/></g>`,
    );
  }
  for (const n of d.nodes) {
    const { x, y, width, height } = n.box;
    parts.push(
      `<g class="node" data-node="${escapeXml(n.name)}" data-category="${n.category}" data-op="${escapeXml(n.op)}" data-params="${n.params}">` +
        `<title>${escapeXml(n.lines.join('\n'))}</title>` +
        `<rect x="${px(x)}" y="${px(y)}" width="${px(width)}" height="${px(height)}" rx="6" fill="${CATEGORY_FILL[n.category]}" stroke="#555"/>` +
        n.labels.map((l) => svgLabel(l, l.role === 'node-params' ? { fill: '#444' } : {})).join('') +
        '</g>',
    );
  }
  parts.push('<g class="legend">');
  for (const it of d.legend.items) {
    const { x, y, width, height } = it.swatch;
    parts.push(`<rect x="${px(x)}" y="${px(y)}" width="${width}" height="${height}" rx="3" fill="${CATEGORY_FILL[it.category]}" stroke="#555"/>`);
    parts.push(svgLabel(it.label));
  }
  for (const l of d.legend.notes) parts.push(svgLabel(l, { fill: '#333' }));
  parts.push('</g>');
  return svgDocument(d.width, d.height, options.title ?? `Network structure: ${graph.name}`, parts.join(''));
}
