/**
 * What `inspect` prints and the report's header shows about a model: its layers in order (op,
 * output shape, parameter count), totals, shapes, layout, capabilities and the method ids the
 * model can run (METHODS filtered by the capabilities each method requires).
 */
import { METHODS, inferGraphShapes, sizeOf } from '@glasswing/core';
import type { Capabilities, Graph, Layout, Model } from '@glasswing/core';
import { imageLayout } from '../model-file.js';
import type { LoadedModelFile, ModelFileKind } from '../model-file.js';
import type { OnnxImportResult } from '@glasswing/onnx';

export interface LayerInfo {
  /** Node (layer) name, as in the model file. */
  readonly name: string;
  readonly op: string;
  /** Tensor inputs that come from other layers or the graph input (not parameters). */
  readonly inputs: readonly string[];
  /** Output shape including the batch dimension (-1 = any), or undefined when not inferable. */
  readonly outputShape?: readonly number[];
  /** Parameters (initializer elements) this layer reads first. */
  readonly params: number;
  /** The parameter tensors (name and shape), in input order. */
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /**
   * PyTorch module paths whose output this layer carries (torch.onnx exports; outermost first),
   * each usable as a layer name; absent when none.
   */
  readonly modules?: readonly string[];
}

export type InputKind = 'image' | 'tabular' | 'other';

export interface MethodSupport {
  readonly id: string;
  readonly title: string;
  readonly supported: boolean;
  /** Capabilities the method needs that the model lacks (empty when supported). */
  readonly missing: readonly string[];
}

export interface ModelInfo {
  readonly name: string;
  readonly kind: ModelFileKind;
  readonly backend: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Layout of rank-3 image inputs, undefined for other inputs. */
  readonly layout?: Layout;
  readonly inputKind: InputKind;
  readonly capabilities: Capabilities;
  /** Layers in topological order; empty when the structure is unknown (forward-only ONNX). */
  readonly layers: readonly LayerInfo[];
  readonly totalParams: number;
  readonly methods: readonly MethodSupport[];
  /** Why some capability is missing (forward-only ONNX models), when known. */
  readonly limits?: string;
}

/** image: [H, W] or a rank-3 input; tabular: rank 1. */
export function inputKindOf(inputShape: readonly number[]): InputKind {
  if (inputShape.length === 1) return 'tabular';
  if (inputShape.length === 2 || inputShape.length === 3) return 'image';
  return 'other';
}

/** Module paths per layer from an ONNX import's module index (outermost first). */
export function moduleNamesByLayer(onnx: Pick<OnnxImportResult, 'modules'> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of Object.values(onnx?.modules.modules ?? {})) {
    if (m.layer === undefined || m.problem !== undefined) continue;
    (out[m.layer] ??= []).push(m.path);
  }
  for (const list of Object.values(out)) list.sort((a, b) => a.split('.').length - b.split('.').length || a.length - b.length);
  return out;
}

/** Per-layer structure of a graph (shapes best-effort: undefined when inference fails). */
export function describeLayers(graph: Graph, modules: Readonly<Record<string, readonly string[]>> = {}): LayerInfo[] {
  let shapes: Record<string, number[]> | undefined;
  try {
    shapes = inferGraphShapes(graph);
  } catch {
    shapes = undefined;
  }
  const seen = new Set<string>();
  return graph.nodes.map((node) => {
    const weights: { name: string; shape: number[] }[] = [];
    const inputs: string[] = [];
    let params = 0;
    for (const name of node.inputs) {
      if (name === '') continue;
      const init = graph.initializers[name];
      if (!init) {
        inputs.push(name);
        continue;
      }
      weights.push({ name, shape: [...init.shape] });
      if (!seen.has(name)) {
        seen.add(name);
        params += sizeOf(init.shape);
      }
    }
    const out = node.outputs[0];
    const outputShape = out !== undefined && shapes ? shapes[out] : undefined;
    const paths = Object.prototype.hasOwnProperty.call(modules, node.name) ? modules[node.name] : undefined;
    return { name: node.name, op: node.op, inputs, params, weights, ...(outputShape ? { outputShape } : {}), ...(paths?.length ? { modules: [...paths] } : {}) };
  });
}

export function methodSupport(capabilities: Capabilities): MethodSupport[] {
  return Object.values(METHODS).map((spec) => {
    const missing = Object.entries(spec.requires)
      .filter(([cap, need]) => need === true && !capabilities[cap as keyof Capabilities])
      .map(([cap]) => cap);
    return { id: spec.id, title: spec.title, supported: missing.length === 0, missing };
  });
}

export function describeModel(file: LoadedModelFile, model: Model, limits?: string): ModelInfo {
  const graph = file.graph;
  const layers = graph ? describeLayers(graph, moduleNamesByLayer(file.onnx)) : [];
  const inputKind = inputKindOf(model.inputShape);
  const layout = model.inputShape.length === 3 ? imageLayout(file) : undefined;
  return {
    name: graph?.name || '(unnamed)',
    kind: file.kind,
    backend: model.backend,
    inputShape: [...model.inputShape],
    outputShape: [...model.outputShape],
    ...(layout ? { layout } : {}),
    inputKind,
    capabilities: { ...model.capabilities },
    layers,
    totalParams: layers.reduce((s, l) => s + l.params, 0),
    methods: methodSupport(model.capabilities),
    ...(limits !== undefined ? { limits } : {}),
  };
}

/** `[N, 20, 20, 8]` (dynamic dimensions as N or ?). */
export function formatShape(shape: readonly number[] | undefined, batch = true): string {
  if (!shape) return '?';
  return `[${shape.map((d, i) => (d < 0 ? (batch && i === 0 ? 'N' : '?') : String(d))).join(', ')}]`;
}

/** 12345 -> "12,345". */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
