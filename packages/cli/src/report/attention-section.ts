/**
 * The report's "Attention" section, for transformer models: when the graph has attention
 * Softmax nodes (findAttentionNodes), it shows, for the first examples, the raw attention per
 * layer and head, attention rollout and (on gradient adapters) gradient-weighted attention as
 * token × token heat maps, and the rollout from token 0 as token-to-token arcs. Token labels are
 * the token ids of a one-hot input (else the positions). Returns undefined for other models.
 */
import { AttentionRollout, GradientWeightedAttention, RawAttention, findAttentionNodes } from '@glasswing/core';
import type { AttentionResult, Graph, Model, Tensor } from '@glasswing/core';
import { attentionArcsSvg, attentionHeatmapPng } from '@glasswing/viz';
import { attentionPanels } from '../commands/attention.js';
import { escapeHtml, figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** Examples drawn (the first ones of the input). */
const EXAMPLES = 2;

function tokenLabels(x: Tensor, i: number): string[] {
  const [, t, v] = x.shape as [number, number, number];
  if (x.shape.length !== 3) return [];
  return Array.from({ length: t }, (_, p) => {
    const row = x.data.subarray((i * t + p) * v, (i * t + p + 1) * v);
    const hot = row.findIndex((c) => c === 1);
    return hot >= 0 && row.every((c, k) => c === 0 || k === hot) ? `t${hot}` : String(p);
  });
}

function firstRows(x: Tensor, n: number): Tensor {
  const per = x.data.length / x.shape[0]!;
  return { shape: [n, ...x.shape.slice(1)], data: x.data.slice(0, n * per) };
}

export async function attentionSection(model: Model, graph: Graph | null, x: Tensor): Promise<Section | undefined> {
  if (!graph || !model.capabilities.layers) return undefined;
  let found;
  try {
    found = findAttentionNodes(graph);
  } catch {
    return undefined;
  }
  if (found.length === 0) return undefined;
  const n = Math.min(EXAMPLES, x.shape[0]!);
  const xs = firstRows(x, n);
  let raw: AttentionResult;
  let rollout: AttentionResult;
  try {
    raw = await new RawAttention(model).attribute(xs);
    rollout = await new AttentionRollout(model).attribute(xs);
  } catch (err) {
    return section('attention', 'Attention', note(`Attention nodes were found but could not be read: ${err instanceof Error ? err.message : String(err)}`, 'warn'));
  }
  const grad = model.capabilities.gradients ? await new GradientWeightedAttention(model).attribute(xs).catch(() => undefined) : undefined;
  const nodes = htmlTable(
    ['node', 'layer', 'heads', 'queries × keys'],
    found.map((f) => [f.name, String(f.layer), String(f.heads), `${f.queries} × ${f.keys}`]),
    new Set([1, 2]),
  );
  const parts = [
    note(`Attention Softmax nodes found in the graph (Softmax over a query-key MatMul). Rows of every map are query (output) tokens, columns key (input) tokens; token labels are the one-hot token ids (t<id>). Run 'glasswing attention' for other methods, token names and JSON.`),
    nodes,
  ];
  for (let i = 0; i < n; i++) {
    const tokens = tokenLabels(xs, i);
    const labels = tokens.length > 0 ? tokens : Array.from({ length: rollout.relevance.shape[1]! }, (_, p) => String(p));
    const heads = Math.max(...raw.layers.map((l) => l.heads));
    const t = labels.length;
    const figs = [
      figure(pngImg(attentionHeatmapPng(attentionPanels(raw, i), { tokens: labels, max: 1, columns: heads, title: `Raw attention · example ${i}` }), `raw attention, example ${i}`), 'raw attention per layer and head'),
      figure(
        pngImg(attentionHeatmapPng(attentionPanels(rollout, i), { tokens: labels, offDiagonalScale: true, title: `Attention rollout · example ${i}`, label: 'rollout (scale: largest off-diagonal value)' }), `attention rollout, example ${i}`),
        'attention rollout (Abnar & Zuidema 2020)',
      ),
      figure(attentionArcsSvg(labels, rollout.relevance.data.subarray(i * t * t, (i + 1) * t * t), { title: `Rollout from token 0 · example ${i}` }), 'rollout from token 0 to every token'),
    ];
    if (grad) {
      figs.push(
        figure(
          pngImg(attentionHeatmapPng(attentionPanels(grad, i), { tokens: labels, offDiagonalScale: true, title: `Gradient-weighted attention · example ${i} (class ${grad.targets[i]})`, label: 'relevance (scale: largest off-diagonal value)' }), `gradient-weighted attention, example ${i}`),
          'gradient-weighted attention (Chefer et al. 2021), predicted class',
        ),
      );
    }
    parts.push(`<h3>${escapeHtml(`Example ${i}`)}</h3>\n${figs.join('\n')}`);
  }
  return section('attention', 'Attention', parts.join('\n'));
}
