/**
 * Graph JSON (format 'glasswing-graph', version 1). Writers encode initializers as base64
 * float32 little-endian; readers accept base64 or plain number arrays. Every field is checked:
 * corrupt input raises ModelFormatError naming the field.
 */
import { ModelFormatError } from '../errors.js';
import { MAX_JSON_DEPTH, jsonTooDeep } from '../json-limits.js';
import { sizeOf } from '../tensor.js';
import type { Tensor } from '../tensor.js';
import type { AttrValue, Graph, GraphNode, OpType, ValueInfo } from './graph.js';
import { base64ToFloat32, float32ToBase64 } from './base64.js';
import { validateGraph } from './validate.js';

export interface GraphJSON {
  readonly format: 'glasswing-graph';
  readonly version: 1;
  readonly name: string;
  readonly inputs: { name: string; shape: number[] }[];
  readonly outputs: string[];
  readonly nodes: { name: string; op: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue> }[];
  readonly initializers: Record<string, { shape: number[]; data?: number[]; base64?: string }>;
  readonly metadata: Record<string, string>;
}

export function graphToJSON(graph: Graph): GraphJSON {
  const initializers: GraphJSON['initializers'] = {};
  for (const [name, t] of Object.entries(graph.initializers)) {
    initializers[name] = { shape: [...t.shape], base64: float32ToBase64(t.data) };
  }
  return {
    format: 'glasswing-graph',
    version: 1,
    name: graph.name,
    inputs: graph.inputs.map((v) => ({ name: v.name, shape: [...v.shape] })),
    outputs: [...graph.outputs],
    nodes: graph.nodes.map((n) => ({
      name: n.name,
      op: n.op,
      inputs: [...n.inputs],
      outputs: [...n.outputs],
      attrs: Object.fromEntries(Object.entries(n.attrs).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])),
    })),
    initializers,
    metadata: { ...(graph.metadata ?? {}) },
  };
}

function bad(field: string, problem: string): never {
  throw new ModelFormatError(`graph JSON: ${field} ${problem}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') bad(field, 'must be a string');
  return v;
}

function strList(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) bad(field, 'must be a list of strings');
  return v.map((s, i) => str(s, `${field}[${i}]`));
}

function dims(v: unknown, field: string, allowUnknown: boolean): number[] {
  if (!Array.isArray(v)) bad(field, 'must be a list of integers');
  return v.map((d, i) => {
    if (!Number.isInteger(d) || (d as number) < (allowUnknown ? -1 : 0)) {
      bad(`${field}[${i}]`, `must be an integer >= ${allowUnknown ? -1 : 0}, got ${JSON.stringify(d)}`);
    }
    return d as number;
  });
}

function attrs(v: unknown, field: string): Record<string, AttrValue> {
  if (v === undefined) return {};
  if (!isObject(v)) bad(field, 'must be an object');
  const out: Record<string, AttrValue> = {};
  for (const [key, a] of Object.entries(v)) {
    if (typeof a === 'string' || (typeof a === 'number' && Number.isFinite(a))) out[key] = a;
    else if (Array.isArray(a) && a.every((e) => typeof e === 'number' && Number.isFinite(e))) out[key] = [...(a as number[])];
    else bad(`${field}.${key}`, 'must be a finite number, a string or a list of finite numbers');
  }
  return out;
}

function initializer(v: unknown, field: string): Tensor {
  if (!isObject(v)) bad(field, 'must be an object {shape, data | base64}');
  const shape = dims(v['shape'], `${field}.shape`, false);
  const n = sizeOf(shape);
  let data: Float32Array;
  if (typeof v['base64'] === 'string') {
    try {
      data = base64ToFloat32(v['base64']);
    } catch (err) {
      throw new ModelFormatError(`graph JSON: ${field}.base64 ${(err as Error).message}`, { cause: err });
    }
  } else if (Array.isArray(v['data'])) {
    const arr = v['data'] as unknown[];
    arr.forEach((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) bad(`${field}.data[${i}]`, 'must be a finite number');
    });
    data = Float32Array.from(arr as number[]);
  } else bad(field, "needs 'data' (numbers) or 'base64' (float32 little-endian)");
  if (data.length !== n) bad(field, `has ${data.length} values but shape [${shape.join(', ')}] needs ${n}`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) bad(`${field}`, `value ${i} is not finite`);
  }
  return { shape, data };
}

/** Parse and validate a graph JSON value (ModelFormatError naming the field on bad input). */
export function graphFromJSON(json: unknown): Graph {
  if (!isObject(json)) bad('root', 'must be an object');
  const deep = jsonTooDeep(json);
  if (deep !== undefined) bad(deep, `nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep`);
  if (json['format'] !== 'glasswing-graph') bad('format', `must be 'glasswing-graph', got ${JSON.stringify(json['format'])}`);
  if (json['version'] !== 1) bad('version', `must be 1, got ${JSON.stringify(json['version'])}`);
  const name = json['name'] === undefined ? 'graph' : str(json['name'], 'name');
  if (!Array.isArray(json['inputs'])) bad('inputs', 'must be a list');
  const inputs: ValueInfo[] = (json['inputs'] as unknown[]).map((v, i) => {
    if (!isObject(v)) bad(`inputs[${i}]`, 'must be an object {name, shape}');
    return { name: str(v['name'], `inputs[${i}].name`), shape: dims(v['shape'], `inputs[${i}].shape`, true) };
  });
  const outputs = strList(json['outputs'], 'outputs');
  if (!Array.isArray(json['nodes'])) bad('nodes', 'must be a list');
  const nodes: GraphNode[] = (json['nodes'] as unknown[]).map((v, i) => {
    const f = `nodes[${i}]`;
    if (!isObject(v)) bad(f, 'must be an object');
    // Unknown ops are reported by validateGraph (UnsupportedOpError naming the node).
    const op = str(v['op'], `${f}.op`);
    return {
      name: str(v['name'], `${f}.name`),
      op: op as OpType,
      inputs: strList(v['inputs'], `${f}.inputs`),
      outputs: strList(v['outputs'], `${f}.outputs`),
      attrs: attrs(v['attrs'], `${f}.attrs`),
    };
  });
  const rawInit = json['initializers'] ?? {};
  if (!isObject(rawInit)) bad('initializers', 'must be an object');
  const initializers: Record<string, Tensor> = {};
  for (const [key, v] of Object.entries(rawInit)) initializers[key] = initializer(v, `initializers.${key}`);
  const rawMeta = json['metadata'] ?? {};
  if (!isObject(rawMeta)) bad('metadata', 'must be an object');
  const metadata: Record<string, string> = {};
  for (const [key, v] of Object.entries(rawMeta)) metadata[key] = str(v, `metadata.${key}`);
  const graph: Graph = { name, inputs, outputs, nodes, initializers, metadata };
  validateGraph(graph);
  return graph;
}

export function serializeGraph(graph: Graph): string {
  return JSON.stringify(graphToJSON(graph));
}

export function parseGraph(text: string): Graph {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelFormatError(`graph JSON: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  return graphFromJSON(json);
}
