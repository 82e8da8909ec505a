/**
 * Normalise a Keras / tfjs-layers topology (Sequential or functional Model; tfjs 4.x, Keras 2 and
 * Keras 3 inbound-node formats) into a flat, ordered list of layers with their input layer names.
 */
import { ModelFormatError, UnsupportedOpError } from '@glasswing/core';

export type Config = Readonly<Record<string, unknown>>;

export interface LayerSpec {
  readonly className: string;
  readonly name: string;
  readonly config: Config;
  /**
   * Names of the layers whose (single) output feeds this layer, in order: the positional inputs, then
   * the tensors passed as the call keywords of TENSOR_KWARGS (e.g. MultiHeadAttention's value / key).
   */
  readonly inbound: readonly string[];
  /** Keyword -> index into `inbound`, for tensors passed as TENSOR_KWARGS. */
  readonly kwargs?: Readonly<Record<string, number>>;
}

/** Call keywords whose tensor values are layer inputs (attention layers' value / key). */
export const TENSOR_KWARGS = ['query', 'value', 'key'] as const;

export interface Topology {
  readonly name: string;
  /** Layers in execution order. The first is an InputLayer spec (synthesised for Sequential). */
  readonly layers: readonly LayerSpec[];
  readonly inputLayer: string;
  readonly outputLayer: string;
  readonly kerasVersion?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTopology(raw: unknown, where: string): Topology {
  if (!isObject(raw)) throw new ModelFormatError(`modelTopology${where} must be an object`);
  const modelConfig = isObject(raw['model_config']) ? raw['model_config'] : raw;
  const className = modelConfig['class_name'];
  const config = modelConfig['config'];
  const kerasVersion = typeof raw['keras_version'] === 'string' ? raw['keras_version'] : undefined;
  if (className === 'Sequential') return sequential(config, where, kerasVersion);
  if (className === 'Model' || className === 'Functional') return functional(config, where, kerasVersion);
  throw new ModelFormatError(`modelTopology${where}: unknown model class ${JSON.stringify(className)} (expected Sequential, Model or Functional)`);
}

function layerOf(raw: unknown, where: string): { className: string; name: string; config: Config } {
  if (!isObject(raw) || typeof raw['class_name'] !== 'string' || !isObject(raw['config'])) {
    throw new ModelFormatError(`modelTopology${where}: a layer entry has no class_name/config`);
  }
  const config = raw['config'];
  const name = typeof config['name'] === 'string' ? config['name'] : typeof raw['name'] === 'string' ? raw['name'] : undefined;
  if (name === undefined) throw new ModelFormatError(`modelTopology${where}: a ${raw['class_name']} layer has no name`);
  return { className: raw['class_name'], name, config };
}

function batchShapeOf(config: Config): unknown {
  return config['batch_input_shape'] ?? config['batch_shape'] ?? (Array.isArray(config['input_shape']) ? [null, ...config['input_shape']] : undefined);
}

function sequential(config: unknown, where: string, kerasVersion: string | undefined): Topology {
  const list = Array.isArray(config) ? config : isObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new ModelFormatError(`modelTopology${where}: Sequential model has no layers`);
  const name = isObject(config) && typeof config['name'] === 'string' ? config['name'] : 'sequential';
  const parsed = list.map((l) => layerOf(l, where));
  const layers: LayerSpec[] = [];
  let prev: string;
  if (parsed[0]!.className === 'InputLayer') {
    layers.push({ ...parsed[0]!, inbound: [] });
    prev = parsed[0]!.name;
    parsed.shift();
  } else {
    const shape = batchShapeOf(parsed[0]!.config);
    if (shape === undefined) {
      throw new ModelFormatError(`modelTopology${where}: the first layer ${parsed[0]!.name} declares no batch_input_shape`);
    }
    prev = uniqueName('input', new Set(parsed.map((l) => l.name)));
    layers.push({ className: 'InputLayer', name: prev, config: { name: prev, batch_input_shape: shape }, inbound: [] });
  }
  for (const l of parsed) {
    if (l.className === 'InputLayer') throw new ModelFormatError(`modelTopology${where}: InputLayer ${l.name} inside a Sequential model`);
    layers.push({ ...l, inbound: [prev] });
    prev = l.name;
  }
  return { name, layers, inputLayer: layers[0]!.name, outputLayer: prev, ...(kerasVersion ? { kerasVersion } : {}) };
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** [layer_name, node_index, tensor_index, ...] or a Keras 3 `__keras_tensor__` object -> layer name. */
function tensorRef(ref: unknown, where: string, layer: string): string {
  if (Array.isArray(ref) && typeof ref[0] === 'string') {
    // The node index may be > 0 for a nested model called once (its own construction is node 0);
    // layers called more than once are refused where their inbound nodes are read.
    if ((ref[2] ?? 0) !== 0) {
      throw new UnsupportedOpError(layer, `layer ${layer}: multi-output layers are not supported (${JSON.stringify(ref.slice(0, 3))})`);
    }
    return ref[0];
  }
  if (isObject(ref) && isObject(ref['config']) && Array.isArray(ref['config']['keras_history'])) {
    return tensorRef(ref['config']['keras_history'], where, layer);
  }
  throw new ModelFormatError(`modelTopology${where}: layer ${layer} has an unreadable inbound tensor ${JSON.stringify(ref)}`);
}

function inboundOf(raw: Record<string, unknown>, where: string, layer: string): { inbound: string[]; kwargs?: Record<string, number> } {
  const nodes = raw['inbound_nodes'];
  if (nodes === undefined || (Array.isArray(nodes) && nodes.length === 0)) return { inbound: [] };
  if (!Array.isArray(nodes)) throw new ModelFormatError(`modelTopology${where}: layer ${layer} has malformed inbound_nodes`);
  if (nodes.length > 1) throw new UnsupportedOpError(layer, `layer ${layer} is called ${nodes.length} times; shared layers are not supported`);
  const node = nodes[0];
  let inbound: string[];
  let kwargs: unknown;
  if (Array.isArray(node)) {
    // Keras 2 / tfjs: [[layer, node, tensor, kwargs], ...]; the first entry's kwargs hold keyword tensors.
    inbound = node.map((r) => tensorRef(r, where, layer));
    kwargs = Array.isArray(node[0]) ? node[0][3] : undefined;
  } else if (isObject(node) && Array.isArray(node['args'])) {
    // Keras 3: args holds a tensor or a list of tensors (merge layers).
    const args = node['args'] as unknown[];
    const flat = args.length === 1 && Array.isArray(args[0]) && !isKerasHistory(args[0]) ? (args[0] as unknown[]) : args;
    inbound = flat.map((r) => tensorRef(r, where, layer));
    kwargs = node['kwargs'];
  } else {
    throw new ModelFormatError(`modelTopology${where}: layer ${layer} has malformed inbound_nodes`);
  }
  if (!isObject(kwargs)) return { inbound };
  const named: Record<string, number> = {};
  for (const key of TENSOR_KWARGS) {
    const v = kwargs[key];
    if (v === undefined || v === null) continue;
    named[key] = inbound.length;
    inbound.push(tensorRef(v, where, layer));
  }
  return Object.keys(named).length > 0 ? { inbound, kwargs: named } : { inbound };
}

/** A Keras 2 tensor reference [layer_name, node_index, tensor_index(, kwargs)]. */
function isKerasHistory(v: unknown[]): boolean {
  return typeof v[0] === 'string' && typeof v[1] === 'number';
}

function endpoint(list: unknown, what: string, where: string): string {
  // [[name, 0, 0]] or [name, 0, 0]
  const refs = Array.isArray(list) && Array.isArray(list[0]) ? list : [list];
  if (!Array.isArray(list) || refs.length === 0) throw new ModelFormatError(`modelTopology${where}: missing ${what}`);
  if (refs.length !== 1) throw new UnsupportedOpError('Model', `models with ${refs.length} ${what} are not supported (exactly one)`);
  return tensorRef(refs[0], where, what);
}

function functional(config: unknown, where: string, kerasVersion: string | undefined): Topology {
  if (!isObject(config) || !Array.isArray(config['layers'])) {
    throw new ModelFormatError(`modelTopology${where}: functional model config has no layers`);
  }
  const name = typeof config['name'] === 'string' ? config['name'] : 'model';
  const specs = new Map<string, LayerSpec>();
  for (const raw of config['layers'] as unknown[]) {
    const l = layerOf(raw, where);
    if (specs.has(l.name)) throw new ModelFormatError(`modelTopology${where}: duplicate layer name ${l.name}`);
    specs.set(l.name, { ...l, ...inboundOf(raw as Record<string, unknown>, where, l.name) });
  }
  const inputLayer = endpoint(config['input_layers'], 'input_layers', where);
  const outputLayer = endpoint(config['output_layers'], 'output_layers', where);
  // Topological order by depth-first search from the output.
  const order: LayerSpec[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): void => {
    const spec = specs.get(n);
    if (spec === undefined) throw new ModelFormatError(`modelTopology${where}: unknown layer ${n}`);
    const s = state.get(n);
    if (s === 'done') return;
    if (s === 'visiting') throw new ModelFormatError(`modelTopology${where}: cycle through layer ${n}`);
    state.set(n, 'visiting');
    for (const i of spec.inbound) visit(i);
    state.set(n, 'done');
    order.push(spec);
  };
  visit(outputLayer);
  const inputs = order.filter((l) => l.inbound.length === 0);
  if (inputs.length !== 1 || inputs[0]!.name !== inputLayer || inputs[0]!.className !== 'InputLayer') {
    throw new UnsupportedOpError('Model', `the output must depend on exactly one InputLayer (${inputLayer}); found ${inputs.map((l) => l.name).join(', ')}`);
  }
  return { name, layers: order, inputLayer, outputLayer, ...(kerasVersion ? { kerasVersion } : {}) };
}

export { batchShapeOf };
