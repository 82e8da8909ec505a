/**
 * Graph validation and shape inference. Every problem is reported as a ModelFormatError (or
 * UnsupportedOpError for unknown ops / unsupported configurations) naming the node or field.
 */
import { GlasswingError, ModelFormatError, UnsupportedOpError } from '../errors.js';
import { sizeOf } from '../tensor.js';
import type { Graph, GraphNode } from './graph.js';
import { getOp } from './ops/index.js';

/** A node's inputs without trailing absent ('') optional inputs. */
export function presentInputs(node: GraphNode): readonly string[] {
  let end = node.inputs.length;
  while (end > 0 && node.inputs[end - 1] === '') end--;
  return end === node.inputs.length ? node.inputs : node.inputs.slice(0, end);
}

function fail(message: string): never {
  throw new ModelFormatError(message);
}

function isDims(v: unknown, allowUnknown: boolean): v is number[] {
  return Array.isArray(v) && v.every((d) => Number.isInteger(d) && (d >= 0 || (allowUnknown && d === -1)));
}

function checkStructure(graph: Graph): void {
  if (graph === null || typeof graph !== 'object') fail('graph must be an object');
  if (typeof graph.name !== 'string') fail('graph.name must be a string');
  if (!Array.isArray(graph.inputs) || graph.inputs.length !== 1) {
    fail(`graph must have exactly one input, got ${Array.isArray(graph.inputs) ? graph.inputs.length : 'none'}`);
  }
  const input = graph.inputs[0]!;
  if (typeof input?.name !== 'string' || input.name === '') fail('graph input needs a non-empty name');
  if (!isDims(input.shape, true) || input.shape.length === 0) {
    fail(`graph input ${input.name}: shape must be a non-empty list of integers >= -1`);
  }
  if (!Array.isArray(graph.outputs) || graph.outputs.length !== 1 || typeof graph.outputs[0] !== 'string') {
    fail('graph must have exactly one output (a tensor name)');
  }
  if (!Array.isArray(graph.nodes)) fail('graph.nodes must be an array');
  if (graph.initializers === null || typeof graph.initializers !== 'object') fail('graph.initializers must be an object');
  for (const [name, t] of Object.entries(graph.initializers)) {
    if (!t || !(t.data instanceof Float32Array) || !isDims(t.shape, false)) {
      fail(`initializer ${name} must be a tensor with a Float32Array and a shape of non-negative integers`);
    }
    if (t.data.length !== sizeOf(t.shape)) {
      fail(`initializer ${name} has ${t.data.length} values but shape [${t.shape.join(', ')}] needs ${sizeOf(t.shape)}`);
    }
    if (name === input.name) fail(`initializer ${name} has the same name as the graph input`);
  }
}

function checkAttrs(node: GraphNode): void {
  if (node.attrs === null || typeof node.attrs !== 'object' || Array.isArray(node.attrs)) {
    fail(`node ${node.name}: attrs must be an object`);
  }
  for (const [key, v] of Object.entries(node.attrs)) {
    const ok =
      (typeof v === 'number' && Number.isFinite(v)) ||
      typeof v === 'string' ||
      (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isFinite(e)));
    if (!ok) fail(`node ${node.name}: attribute ${key} must be a finite number, a string or a list of numbers`);
  }
}

/**
 * Check a graph: one input, one output, topological order, every tensor defined before use,
 * unique node and tensor names, known ops, parameter inputs not computed from the input,
 * attribute sanity and shape consistency (via each op's shape inference).
 */
export function validateGraph(graph: Graph): void {
  checkStructure(graph);
  const inputName = graph.inputs[0]!.name;
  const defined = new Set<string>([inputName, ...Object.keys(graph.initializers)]);
  /** Tensors that depend on the graph input. */
  const live = new Set<string>([inputName]);
  const names = new Set<string>();
  for (const [i, node] of graph.nodes.entries()) {
    if (node === null || typeof node !== 'object' || typeof node.name !== 'string' || node.name === '') {
      fail(`node #${i} needs a non-empty name`);
    }
    if (names.has(node.name)) fail(`duplicate node name ${node.name}`);
    names.add(node.name);
    const def = getOp(node.op, node.name);
    if (!Array.isArray(node.inputs) || node.inputs.some((s) => typeof s !== 'string')) {
      fail(`node ${node.name}: inputs must be a list of tensor names`);
    }
    if (!Array.isArray(node.outputs) || node.outputs.length !== 1 || typeof node.outputs[0] !== 'string' || node.outputs[0] === '') {
      if (Array.isArray(node.outputs) && node.outputs.length > 1) {
        throw new UnsupportedOpError(node.op, `node ${node.name} (${node.op}): only one output is supported, got ${node.outputs.length}`);
      }
      fail(`node ${node.name}: must have exactly one output tensor name`);
    }
    checkAttrs(node);
    const inputs = presentInputs(node);
    for (const [j, name] of inputs.entries()) {
      if (name === '') fail(`node ${node.name}: absent optional input at position ${j} is only allowed at the end`);
      if (!defined.has(name)) {
        fail(`node ${node.name}: input ${name} is not defined before use (unknown tensor or nodes not in topological order)`);
      }
      if (live.has(name) && !def.dataInputs.includes(j)) {
        throw new UnsupportedOpError(
          node.op,
          `node ${node.name} (${node.op}): parameter input ${j} (${name}) must not depend on the graph input`,
        );
      }
    }
    const out = node.outputs[0]!;
    if (defined.has(out)) fail(`node ${node.name}: output ${out} redefines an existing tensor`);
    defined.add(out);
    if (inputs.some((s) => live.has(s))) live.add(out);
  }
  if (!defined.has(graph.outputs[0]!)) fail(`graph output ${graph.outputs[0]} is not produced by any node`);
  inferGraphShapes(graph);
}

/**
 * Shapes of every tensor (graph input, initializers, node outputs), batch dimension -1 unless the
 * graph input fixes it. Throws ModelFormatError naming the node on inconsistent shapes.
 */
export function inferGraphShapes(graph: Graph): Record<string, number[]> {
  const input = graph.inputs[0];
  if (!input) throw new ModelFormatError('graph has no input');
  const shapes: Record<string, number[]> = { [input.name]: [...input.shape] };
  for (const [name, t] of Object.entries(graph.initializers)) shapes[name] = [...t.shape];
  for (const node of graph.nodes) {
    const def = getOp(node.op, node.name);
    const ins = presentInputs(node).map((name) => {
      const s = shapes[name];
      if (!s) throw new ModelFormatError(`node ${node.name}: input ${name} is not defined before use`);
      return s;
    });
    let outs: number[][];
    try {
      outs = def.inferShapes(ins, node);
    } catch (err) {
      if (err instanceof UnsupportedOpError || err instanceof ModelFormatError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      const named = msg.includes(node.name) ? msg : `node ${node.name} (${node.op}): ${msg}`;
      if (err instanceof GlasswingError || err instanceof TypeError || err instanceof RangeError) {
        throw new ModelFormatError(named, { cause: err });
      }
      throw err;
    }
    node.outputs.forEach((name, i) => {
      if (outs[i]) shapes[name] = outs[i]!;
    });
  }
  return shapes;
}
