/** The `inspect`-style summary of a loaded model on its backend (what the page shows and offers). */
import { inferGraphShapes, METHOD_FAMILIES, METHODS, type Capabilities, type Graph, type Model } from '@glasswing/core';
import { networkDiagramSvg, summarizeGraph } from '@glasswing/viz';
import type { BackendId, MethodRow, ModelSummary } from '../protocol.js';
import type { LoadedModel } from './load.js';
import { attentionNodes, attentionRows } from './attention.js';

const FAMILY_OF: Record<string, string> = Object.fromEntries(METHOD_FAMILIES.flatMap((f) => f.ids.map((id) => [id, f.family])));

/** Every METHODS entry, with why it cannot run when the model lacks a capability it needs. */
export function methodRows(capabilities: Capabilities): MethodRow[] {
  return Object.values(METHODS).map((spec) => {
    const missing = Object.entries(spec.requires)
      .filter(([cap, need]) => need === true && !capabilities[cap as keyof Capabilities])
      .map(([cap]) => cap);
    const reason = missing.length > 0 ? `needs ${missing.join(' and ')}, which this model/backend lacks` : undefined;
    return {
      id: spec.id,
      title: spec.title,
      family: FAMILY_OF[spec.id] ?? 'other',
      supported: missing.length === 0,
      ...(reason ? { reason } : {}),
      options: [...spec.options],
      defaults: { ...spec.defaults },
    };
  });
}

function layoutOf(graph: Graph | null, format: LoadedModel['format'], inputShape: readonly number[]): 'NHWC' | 'NCHW' | undefined {
  if (inputShape.length !== 3) return undefined;
  for (const node of graph?.nodes ?? []) {
    const l = node.attrs['layout'];
    if (l === 'NHWC' || l === 'NCHW') return l;
  }
  return format === 'TensorFlow.js LayersModel' ? 'NHWC' : 'NCHW';
}

function shapesOf(graph: Graph): Record<string, readonly number[]> {
  try {
    const shapes = inferGraphShapes(graph);
    const out: Record<string, readonly number[]> = {};
    for (const n of graph.nodes) {
      const s = shapes[n.outputs[0] ?? ''];
      if (s) out[n.name] = s.slice(1);
    }
    return out;
  } catch {
    return {};
  }
}

export function summarize(loaded: LoadedModel, model: Model, backend: BackendId, ran: string, unavailable: ModelSummary['unavailable']): ModelSummary {
  const graph = loaded.graph;
  const summary = graph ? summarizeGraph(graph) : undefined;
  let diagramSvg: string | undefined;
  if (graph) {
    try {
      diagramSvg = networkDiagramSvg(graph);
    } catch {
      diagramSvg = undefined;
    }
  }
  const layerShapes = graph ? shapesOf(graph) : {};
  const layout = layoutOf(graph, loaded.format, model.inputShape);
  return {
    name: loaded.name,
    format: loaded.format,
    backend,
    ran,
    inputShape: [...model.inputShape],
    outputShape: [...model.outputShape],
    ...(layout ? { layout } : {}),
    capabilities: { ...model.capabilities },
    layerNames: [...model.layerNames],
    layerShapes,
    layers: (summary?.layers ?? []).map((l) => ({ name: l.name, op: l.op, params: l.params, ...(layerShapes[l.name] ? { outputShape: layerShapes[l.name] } : {}) })),
    totalParams: summary?.totalParams ?? 0,
    methods: [...methodRows(model.capabilities), ...attentionRows(attentionNodes(graph), model.capabilities)],
    ...(diagramSvg ? { diagramSvg } : {}),
    ...(loaded.limits ? { limits: loaded.limits } : {}),
    unavailable,
  };
}
