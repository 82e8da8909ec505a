/**
 * Attention views for transformers (models whose graph has attention Softmax nodes, found by
 * core's findAttentionNodes): raw attention per layer and head, attention rollout (Abnar &
 * Zuidema 2020) and gradient-weighted attention (Chefer et al. 2021), offered beside METHODS in
 * an 'attention' family. Results carry the token-to-token relevance as their attributions.
 */
import { AttentionRollout, findAttentionNodes, GradientWeightedAttention, RawAttention, type Capabilities, type Graph, type Model, type Progress, type Tensor } from '@glasswing/core';
import type { MethodResult, MethodRow } from '../protocol.js';

const VIEWS = [
  { id: 'attention-raw', title: 'Raw attention (every layer and head)', gradients: false },
  { id: 'attention-rollout', title: 'Attention rollout', gradients: false },
  { id: 'grad-attention', title: 'Gradient-weighted attention (Chefer)', gradients: true },
] as const;

export const isAttentionView = (id: string): boolean => VIEWS.some((v) => v.id === id);

/** Attention Softmax nodes of the graph ([] when none, or no graph). */
export function attentionNodes(graph: Graph | null): string[] {
  if (!graph) return [];
  try {
    return findAttentionNodes(graph).map((n) => n.name);
  } catch {
    return [];
  }
}

export function attentionRows(nodes: readonly string[], caps: Capabilities): MethodRow[] {
  if (nodes.length === 0) return [];
  return VIEWS.map((v) => {
    const missing = [...(caps.layers ? [] : ['layers']), ...(v.gradients && !caps.gradients ? ['gradients'] : [])];
    return {
      id: v.id,
      title: v.title,
      family: 'attention',
      supported: missing.length === 0,
      ...(missing.length ? { reason: `needs ${missing.join(' and ')}, which this model/backend lacks` } : {}),
      options: v.gradients ? ['target'] : [],
      defaults: {},
    };
  });
}

export async function runAttention(
  model: Model,
  x: Tensor,
  id: string,
  target: number,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
): Promise<Omit<MethodResult, 'seconds'>> {
  const view = VIEWS.find((v) => v.id === id)!;
  const common = { signal, onProgress, query: 0 };
  const r =
    id === 'attention-raw'
      ? await new RawAttention(model).attribute(x, common)
      : id === 'attention-rollout'
        ? await new AttentionRollout(model).attribute(x, common)
        : await new GradientWeightedAttention(model).attribute(x, { ...common, target: [target] });
  const relevance = new Float32Array(r.relevance.data);
  return {
    method: id,
    title: view.title,
    family: 'attention',
    options: {},
    attributions: { shape: [...r.relevance.shape], data: relevance },
    modelCalls: 0,
    attention: {
      matrices: { shape: [...r.attention.shape], data: new Float32Array(r.attention.data) },
      layers: r.layers.map((l) => ({ index: l.index, heads: l.heads })),
      scores: Array.from(r.scores.data),
      query: r.query,
    },
  };
}
