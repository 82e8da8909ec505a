/**
 * TensorFlow.js graph model -> core Graph (NHWC, the model's own layout).
 *
 * The nodes the output depends on are visited in topological order; constant and shape subgraphs
 * are folded on the host with a symbolic batch (values.ts), the rest maps onto IR ops (ops/). IR
 * nodes carry their GraphDef node's name (the layer users tap); auxiliary nodes are named
 * `<node>/<role>` (e.g. `<node>/linear`, the convolution before a fused activation). Control flow
 * is a ControlFlowError; unknown ops and unsupported configurations are one UnsupportedGraphOpsError
 * listing all of them.
 */
import { InvalidArgumentError, ModelFormatError, ShapeError, UnsupportedOpError, validateGraph, type Graph, type GraphNode, type Tensor } from '@glasswing/core';
import { parseInputRef, parseNodes, signatureOf, type GraphModelArtifacts, type TfNode } from './artifacts.js';
import { TfAttrs, shapeDims } from './attrs.js';
import { ImportContext, NodeContext } from './context.js';
import { ControlFlowError, UnsupportedGraphOpsError, isControlFlowOp, type GraphOpIssue } from './errors.js';
import { FOLDERS } from './fold.js';
import { CONVERTERS } from './ops/index.js';
import { ImportIssue, WORLD_BATCH, constOf, type Value } from './values.js';
import { decodeGraphWeights, stringWeights } from './weights.js';

export interface GraphModelImportOptions {
  /** The Placeholder (or signature input key) to attribute to, when the model has several. */
  readonly inputName?: string;
  /** The output tensor (`node` or `node:k`, or a signature output key), when the model has several. */
  readonly outputName?: string;
  /** Full input shape replacing unknown non-batch dimensions of the declared one (batch entry ignored). */
  readonly inputShape?: readonly number[];
}

/** Ops that produce activations from nothing the IR can express but that are not control flow. */
const FUNCTION_CALLS = new Set(['PartitionedCall', 'StatefulPartitionedCall']);

export function importGraphModel(artifacts: GraphModelArtifacts, options: GraphModelImportOptions = {}): Graph {
  if (artifacts === null || typeof artifacts !== 'object') throw new ModelFormatError('graph-model artifacts must be an object');
  const where = artifacts.source ? ` (${artifacts.source})` : '';
  const nodes = parseNodes(artifacts.modelTopology, where);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const signature = signatureOf(artifacts);
  const output = resolveOutput(nodes, byName, signature?.outputs, options.outputName, where);
  const order = topologicalOrder(byName, output.node, where);

  const cf = order.filter((n) => isControlFlowOp(n.op)).map((n) => ({ op: n.op, node: n.name, reason: 'control flow' }));
  if (cf.length > 0) throw new ControlFlowError(cf, where);
  const unknown: GraphOpIssue[] = order
    .filter((n) => !(Object.hasOwn(CONVERTERS, n.op) || Object.hasOwn(FOLDERS, n.op) || n.op === 'Const' || n.op === 'Placeholder' || n.op === 'NoOp'))
    .map((n) => ({
      op: n.op,
      node: n.name,
      reason: FUNCTION_CALLS.has(n.op) ? 'calls a function of the graph library (not inlined by the converter)' : `op ${n.op} has no IR mapping`,
    }));
  if (unknown.length > 0) throw new UnsupportedGraphOpsError(unknown, where);

  const placeholders = order.filter((n) => n.op === 'Placeholder');
  const input = resolveInput(placeholders, signature?.inputs, options.inputName, where);
  const declared = declaredInputShape(input, signature?.inputs);
  const inputShape = finalInputShape(input.name, declared, options.inputShape, where);
  const fixedBatch = declared !== undefined && declared[0]! > 0 ? declared[0] : undefined;

  const weights = decodeGraphWeights(artifacts);
  const strings = stringWeights(artifacts);
  const cx = new ImportContext(byName.keys(), fixedBatch);
  const used = usedOutputs(order);
  const issues: GraphOpIssue[] = [];
  for (const node of order) {
    const dataRefs = node.input.map(parseInputRef).filter((r) => !r.control);
    const inputs: Value[] = dataRefs.map((r) => cx.env.get(`${r.node}:${r.index}`) ?? { kind: 'unknown' });
    const markUnknown = () => {
      for (const k of [0, ...(used.get(node.name) ?? [])]) cx.env.set(`${node.name}:${k}`, { kind: 'unknown' });
    };
    if (inputs.some((v) => v.kind === 'unknown')) {
      markUnknown();
      continue;
    }
    const attrs = new TfAttrs(node, `node ${node.name} (${node.op})`);
    const n = new NodeContext(cx, node, attrs, inputs, used.get(node.name) ?? new Set());
    const before = cx.nodes.length;
    try {
      if (node.op === 'Const') {
        const w = weights.get(node.name);
        if (w === undefined) {
          throw new ImportIssue(strings.has(node.name) ? 'a string constant (a resource or vocabulary)' : 'its value is missing from the weights manifest');
        }
        n.bind(0, constOf(w, node.name));
      } else if (node.op === 'NoOp') {
        // No data outputs.
      } else if (node.op === 'Placeholder') {
        if (node !== input) throw new ImportIssue(`the model has several inputs; attribute to one with the inputName option (${placeholders.map((p) => p.name).join(', ')})`);
        const rest = inputShape.slice(1);
        n.bind(0, { kind: 'runtime', name: node.name, shapes: [[WORLD_BATCH[0], ...rest], [WORLD_BATCH[1], ...rest]] });
      } else {
        const allConst = inputs.every((v) => v.kind === 'const');
        const folder = Object.hasOwn(FOLDERS, node.op) ? FOLDERS[node.op] : undefined;
        const convert = Object.hasOwn(CONVERTERS, node.op) ? CONVERTERS[node.op] : undefined;
        const shapeOnly = node.op === 'Shape' || node.op === 'Size' || node.op === 'Rank' || node.op === 'ZerosLike' || node.op === 'OnesLike';
        if (folder && (allConst || shapeOnly)) folder(n);
        else if (convert) convert(n);
        else throw new ImportIssue(`${node.op} is only supported on constants (shape computations), but here it reads the model input`);
      }
    } catch (e) {
      if (!(e instanceof ImportIssue || e instanceof ShapeError || e instanceof UnsupportedOpError)) throw e;
      cx.nodes.length = before;
      issues.push({ op: node.op, node: node.name, reason: e.message });
      markUnknown();
    }
  }
  if (issues.length > 0) throw new UnsupportedGraphOpsError(issues, where);

  const out = cx.env.get(`${output.node}:${output.index}`);
  const outLabel = `output ${output.node}:${output.index}${where}`;
  if (out === undefined || out.kind === 'unknown') throw new ModelFormatError(`${outLabel} is not computed`);
  if (out.kind === 'const') throw new UnsupportedOpError(output.op, `${outLabel} is a constant: it does not depend on input ${input.name}`);
  if (out.name === input.name) throw new UnsupportedOpError(output.op, `${outLabel} is the input itself`);
  if (out.shapes[0].length === 0 || out.shapes[0][0] !== WORLD_BATCH[0] || out.shapes[1][0] !== WORLD_BATCH[1]) {
    throw new UnsupportedOpError(output.op, `${outLabel}'s first dimension is not the batch (a model converted for a fixed batch size?)`);
  }
  const { nodes: kept, initializers } = prune(cx.nodes, cx.initializers, out.name);
  const metadata: Record<string, string> = { source: 'tfjs-graph', layout: 'NHWC' };
  if (artifacts.convertedBy) metadata['converted_by'] = artifacts.convertedBy;
  if (artifacts.generatedBy) metadata['generated_by'] = artifacts.generatedBy;
  if (artifacts.source) metadata['path'] = artifacts.source;
  const graph: Graph = {
    name: 'graph-model',
    inputs: [{ name: input.name, shape: [-1, ...inputShape.slice(1)] }],
    outputs: [out.name],
    initializers,
    nodes: kept,
    metadata,
  };
  validateGraph(graph);
  return graph;
}

function resolveOutput(
  nodes: readonly TfNode[],
  byName: ReadonlyMap<string, TfNode>,
  sigOutputs: Readonly<Record<string, { name?: string }>> | undefined,
  requested: string | undefined,
  where: string,
): { node: string; index: number; op: string } {
  const pick = (ref: string, what: string) => {
    const r = parseInputRef(ref);
    const node = byName.get(r.node);
    if (node === undefined) throw new ModelFormatError(`${what} ${ref}${where} is not a node of the graph`);
    return { node: r.node, index: r.index, op: node.op };
  };
  const sig = Object.entries(sigOutputs ?? {}).filter(([, v]) => typeof v?.name === 'string');
  if (requested !== undefined) {
    const bySig = sig.find(([k]) => k === requested);
    if (bySig) return pick(bySig[1].name!, 'signature output');
    if (!byName.has(parseInputRef(requested).node)) {
      throw new InvalidArgumentError(`outputName ${requested}${where} is neither a node nor a signature output (${sig.map(([k]) => k).join(', ') || 'no signature'})`);
    }
    return pick(requested, 'output');
  }
  if (sig.length === 1) return pick(sig[0]![1].name!, 'signature output');
  if (sig.length > 1) {
    throw new InvalidArgumentError(`the graph model${where} has ${sig.length} outputs (${sig.map(([k, v]) => `${k} = ${v.name}`).join(', ')}); choose one with the outputName option`);
  }
  const consumed = new Set(nodes.flatMap((n) => n.input.map((i) => parseInputRef(i).node)));
  const sinks = nodes.filter((n) => !consumed.has(n.name) && n.op !== 'Const' && n.op !== 'NoOp' && n.op !== 'Placeholder');
  if (sinks.length !== 1) {
    throw new InvalidArgumentError(`the graph model${where} has ${sinks.length} unconsumed nodes (${sinks.slice(0, 8).map((s) => s.name).join(', ')}) and no signature; choose the output with the outputName option`);
  }
  return { node: sinks[0]!.name, index: 0, op: sinks[0]!.op };
}

/** The nodes `output` depends on (data edges), inputs before consumers. */
function topologicalOrder(byName: ReadonlyMap<string, TfNode>, output: string, where: string): TfNode[] {
  const order: TfNode[] = [];
  const state = new Map<string, 1 | 2>();
  const stack: { name: string; next: number }[] = [{ name: output, next: 0 }];
  state.set(output, 1);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const node = byName.get(top.name)!;
    const refs = node.input.map(parseInputRef).filter((r) => !r.control);
    if (top.next < refs.length) {
      const dep = refs[top.next++]!.node;
      if (!byName.has(dep)) throw new ModelFormatError(`node ${node.name}${where} reads ${dep}, which is not a node of the graph`);
      const s = state.get(dep);
      if (s === 1) {
        if (isControlFlowOp(byName.get(dep)!.op) || isControlFlowOp(node.op)) continue; // reported as control flow
        throw new ModelFormatError(`the graph${where} has a cycle through node ${dep}`);
      }
      if (s === undefined) {
        state.set(dep, 1);
        stack.push({ name: dep, next: 0 });
      }
    } else {
      state.set(top.name, 2);
      order.push(node);
      stack.pop();
    }
  }
  return order;
}

/** Output indices of each node that some needed node reads. */
function usedOutputs(order: readonly TfNode[]): Map<string, Set<number>> {
  const used = new Map<string, Set<number>>();
  for (const n of order) {
    for (const r of n.input.map(parseInputRef)) {
      if (r.control) continue;
      if (!used.has(r.node)) used.set(r.node, new Set());
      used.get(r.node)!.add(r.index);
    }
  }
  return used;
}

function resolveInput(
  placeholders: readonly TfNode[],
  sigInputs: Readonly<Record<string, { name?: string }>> | undefined,
  requested: string | undefined,
  where: string,
): TfNode {
  if (placeholders.length === 0) throw new ModelFormatError(`the output of the graph model${where} depends on no Placeholder (no input)`);
  if (requested !== undefined) {
    const sigName = sigInputs?.[requested]?.name;
    const name = parseInputRef(sigName ?? requested).node;
    const found = placeholders.find((p) => p.name === name);
    if (!found) throw new InvalidArgumentError(`inputName ${requested}${where} is not an input the output depends on (${placeholders.map((p) => p.name).join(', ')})`);
    return found;
  }
  if (placeholders.length > 1) {
    throw new InvalidArgumentError(`the graph model${where} has ${placeholders.length} inputs (${placeholders.map((p) => p.name).join(', ')}); gradients need exactly one: choose it with the inputName option`);
  }
  return placeholders[0]!;
}

function declaredInputShape(input: TfNode, sigInputs: Readonly<Record<string, { name?: string; tensorShape?: unknown }>> | undefined): number[] | undefined {
  const attrs = new TfAttrs(input, `input ${input.name}`);
  const dtype = attrs.type('dtype');
  if (dtype !== undefined && dtype !== 'DT_FLOAT') {
    throw new UnsupportedOpError('Placeholder', `input ${input.name} has dtype ${dtype}; attributions need a float32 input`);
  }
  const fromAttr = attrs.shape('shape');
  if (fromAttr !== undefined && fromAttr.length > 0) return fromAttr;
  const sig = Object.values(sigInputs ?? {}).find((v) => parseInputRef(v?.name ?? '').node === input.name);
  const fromSig = shapeDims(sig?.tensorShape as Parameters<typeof shapeDims>[0]);
  return fromSig ?? fromAttr;
}

function finalInputShape(name: string, declared: number[] | undefined, override: readonly number[] | undefined, where: string): number[] {
  if (override !== undefined) {
    if (declared !== undefined && override.length !== declared.length) {
      throw new InvalidArgumentError(`inputShape [${override.join(', ')}] has rank ${override.length}; input ${name}${where} has rank ${declared.length}`);
    }
    const merged = override.map((d, i) => (i === 0 ? -1 : d > 0 ? d : (declared?.[i] ?? -1)));
    if (merged.slice(1).some((d) => d < 1)) throw new InvalidArgumentError(`inputShape [${override.join(', ')}] must give every non-batch dimension`);
    return merged;
  }
  if (declared === undefined || declared.length < 2) {
    throw new ModelFormatError(`input ${name}${where} declares ${declared === undefined ? 'no shape' : `shape [${declared.join(', ')}]`}; give the full input shape with the inputShape option`);
  }
  if (declared.slice(1).some((d) => d < 1)) {
    throw new ModelFormatError(`input ${name}${where} has shape [${declared.join(', ')}]; give the unknown non-batch dimensions with the inputShape option`);
  }
  return [-1, ...declared.slice(1)];
}

/** Keep only the nodes (and initializers) the output depends on. */
function prune(nodes: readonly GraphNode[], inits: Readonly<Record<string, Tensor>>, output: string): { nodes: GraphNode[]; initializers: Record<string, Tensor> } {
  const needed = new Set<string>([output]);
  const keep: GraphNode[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const m = nodes[i]!;
    if (!m.outputs.some((o) => needed.has(o))) continue;
    keep.push(m);
    for (const t of m.inputs) if (t) needed.add(t);
  }
  keep.reverse();
  const initializers: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(inits)) if (needed.has(k)) initializers[k] = t;
  return { nodes: keep, initializers };
}
