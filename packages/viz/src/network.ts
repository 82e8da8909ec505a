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
import { escapeXml, px, svgDocument, svgText } from './svg.js';

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

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** The network-structure diagram as an SVG document (see the module comment). */
export function networkDiagramSvg(graph: Graph, options: NetworkDiagramOptions = {}): string {
  const s = summarizeGraph(graph, options.shapes);
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
  const boxW = 190;
  const boxH = 50;
  const gapX = 24;
  const gapY = 34;
  const maxPerRank = Math.max(...ranks.map((r) => r.length));
  const top = options.title ? 34 : 12;
  const width = Math.max(420, maxPerRank * (boxW + gapX) + gapX);
  const legendH = 56;
  const height = top + ranks.length * (boxH + gapY) + legendH;
  const pos = (n: string) => ({
    x: width / 2 + col.get(n)! * (boxW + gapX) - boxW / 2,
    y: top + rank.get(n)! * (boxH + gapY),
  });
  const parts: string[] = [];
  if (options.title) parts.push(svgText(width / 2, 22, options.title, { anchor: 'middle', size: 15, weight: '600' }));
  // edges first (under the boxes)
  for (const e of s.edges) {
    const a = pos(e.from);
    const b = pos(e.to);
    const x1 = a.x + boxW / 2;
    const y1 = a.y + boxH;
    const x2 = b.x + boxW / 2;
    const y2 = b.y - 5;
    const my = (y1 + y2) / 2;
    parts.push(
      `<g class="edge" data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}" data-tensor="${escapeXml(e.tensor)}">` +
        `<path d="M${px(x1)},${px(y1)} C${px(x1)},${px(my)} ${px(x2)},${px(my)} ${px(x2)},${px(y2)}" fill="none" stroke="#777" stroke-width="1.3"/>` +
        `<polygon points="${px(x2 - 4)},${px(y2 - 1)} ${px(x2 + 4)},${px(y2 - 1)} ${px(x2)},${px(y2 + 5)}" fill="#777"/></g>`,
    );
  }
  const box = (name: string, line1: string, line2: string, line3: string, cat: string, extra: string) => {
    const { x, y } = pos(name);
    parts.push(
      `<g class="node" data-node="${escapeXml(name)}" data-category="${cat}"${extra}>` +
        `<title>${escapeXml(`${line1}\n${line2}\n${line3}`)}</title>` +
        `<rect x="${px(x)}" y="${px(y)}" width="${boxW}" height="${boxH}" rx="6" fill="${CATEGORY_FILL[cat]}" stroke="#555"/>` +
        svgText(x + boxW / 2, y + 15, clip(line1, 28), { anchor: 'middle', weight: '600' }) +
        svgText(x + boxW / 2, y + 30, clip(line2, 32), { anchor: 'middle', size: 11 }) +
        svgText(x + boxW / 2, y + 44, line3, { anchor: 'middle', size: 10, fill: '#444' }) +
        '</g>',
    );
  };
  box(s.input.name, s.input.name, `Input ${formatShape(s.input.shape)}`, 'graph input', 'input', ' data-op="Input" data-params="0"');
  const outputLayer = graph.nodes.find((n) => n.outputs.includes(s.output))?.name;
  for (const l of s.layers) {
    const cat = CATEGORY[l.op] ?? 'other';
    const params = l.params > 0 ? `${formatCount(l.params)} params` : 'no params';
    const tag = l.name === outputLayer ? ' · output' : '';
    box(l.name, l.name, `${l.op} → ${formatShape(l.outputShape)}`, params + tag, cat, ` data-op="${escapeXml(l.op)}" data-params="${l.params}"`);
  }
  // legend: categories present + total
  const ly = height - legendH + 12;
  const cats = ['input', ...new Set(s.layers.map((l) => CATEGORY[l.op] ?? 'other'))];
  let lx = 12;
  parts.push('<g class="legend">');
  for (const c of cats) {
    parts.push(`<rect x="${px(lx)}" y="${px(ly)}" width="14" height="14" rx="3" fill="${CATEGORY_FILL[c]}" stroke="#555"/>`);
    parts.push(svgText(lx + 18, ly + 11, c, { size: 11 }));
    lx += 30 + c.length * 7;
  }
  parts.push(svgText(12, ly + 34, `${s.layers.length} layers · ${formatCount(s.totalParams)} parameters · arrows: tensors (data flow)`, { size: 11, fill: '#333' }));
  parts.push('</g>');
  return svgDocument(width, height, options.title ?? `Network structure: ${graph.name}`, parts.join(''));
}
