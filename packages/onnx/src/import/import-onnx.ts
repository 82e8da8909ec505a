/**
 * ONNX ModelProto -> core Graph (NCHW, ONNX semantics). Constant/shape subgraphs are folded with
 * a symbolic batch dimension; every node maps to IR ops, or the import is FORWARD-ONLY with the
 * blocking ops named (never an exception for an unsupported op). Corrupt models throw
 * ModelFormatError.
 */
import { InvalidArgumentError, ModelFormatError, inferGraphShapes, validateGraph, type Graph, type GraphNode, type Tensor } from '@glasswing/core';
import { NodeAttributes } from '../proto/attributes.js';
import { decodeModel, encodeModel, opsetOf } from '../proto/model.js';
import { DataType, dataTypeName, toNumber, type IValueInfoProto, type ModelProto } from '../proto/onnx.js';
import { decodeTensorProto } from '../proto/tensor.js';
import { ImportContext, NodeContext } from './context.js';
import { CONVERTERS } from './convert/index.js';
import { FOLDERS } from './fold.js';
import { DEFAULT_MAX_CONSTANT_ELEMENTS, WORLD_BATCH, arr, withConstantLimit, type Value } from './values.js';
import { buildModuleIndex, type OnnxModuleIndex } from './module-paths.js';

export interface OnnxImportOptions {
  /** Names the model in error messages (e.g. its path). */
  readonly source?: string;
  /**
   * Full input shape to use instead of the declared one (fixes symbolic non-batch dimensions);
   * the batch entry is ignored — the batch is always symbolic.
   */
  readonly inputShape?: readonly number[];
  /**
   * The largest constant (in elements) the importer folds on the host, checked before allocating
   * (default 2^24): a node that would fold a bigger one (ConstantOfShape, Expand, Range, Tile…)
   * is reported as blocking, with this limit named.
   */
  readonly maxConstantElements?: number;
}

export interface BlockingOp {
  /** ONNX op type. */
  readonly op: string;
  /** ONNX node name (or its first output tensor name when unnamed). */
  readonly node: string;
  readonly reason: string;
}

export interface OnnxImportResult {
  /** The IR graph, or null when the model is forward-only. */
  readonly graph: Graph | null;
  readonly forwardOnly: boolean;
  /** Ops that block gradients (empty when `graph` is set). */
  readonly blockingOps: readonly BlockingOp[];
  /** Every reason the model is forward-only (blocking ops included), as sentences. */
  readonly reasons: readonly string[];
  readonly inputName: string;
  /** The first graph output. */
  readonly outputName: string;
  readonly outputNames: readonly string[];
  readonly opset: number;
  /** Declared input shape, -1 for symbolic/unknown dimensions. */
  readonly inputShape: readonly number[];
  /** Output shape (inferred from the IR graph when there is one, else declared), -1 = unknown. */
  readonly outputShape: readonly number[];
  /** ONNX node names and tensor names -> IR node (layer) names. */
  readonly layerNames: Readonly<Record<string, string>>;
  /**
   * PyTorch module paths of a torch.onnx export (node names like `/layer2/layer2.1/conv2/Conv`)
   * and the layer carrying each module's output; empty without module scopes or an IR graph.
   */
  readonly modules: OnnxModuleIndex;
  /** The model bytes (what ONNX Runtime runs for the forward pass). */
  readonly bytes: Uint8Array;
}

function declaredShape(v: IValueInfoProto | undefined): number[] | undefined {
  const dims = v?.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) => {
    const n = d.dimValue === undefined || d.dimValue === null ? 0 : toNumber(d.dimValue);
    return n > 0 && !d.dimParam ? n : -1;
  });
}

function displayName(name: string | null | undefined, outputs: readonly string[]): string {
  return name || outputs.find((o) => o !== '') || '(unnamed)';
}

export function importOnnxModel(source: Uint8Array | ArrayBuffer | ModelProto, options: OnnxImportOptions = {}): OnnxImportResult {
  const limit = options.maxConstantElements ?? DEFAULT_MAX_CONSTANT_ELEMENTS;
  if (!(limit >= 0)) throw new InvalidArgumentError(`maxConstantElements must be a number >= 0, got ${limit}`);
  return withConstantLimit(limit, () => importUnlimited(source, options));
}

function importUnlimited(source: Uint8Array | ArrayBuffer | ModelProto, options: OnnxImportOptions): OnnxImportResult {
  const label = options.source ?? 'ONNX model';
  const isBytes = source instanceof Uint8Array || source instanceof ArrayBuffer;
  const model = isBytes ? decodeModel(source, label) : source;
  const bytes = isBytes ? (source instanceof Uint8Array ? source : new Uint8Array(source)) : encodeModel(model);
  const g = model.graph;
  if (!g) throw new ModelFormatError(`${label} has no graph`);
  const opset = opsetOf(model);
  if (opset === 0) throw new ModelFormatError(`${label} imports no default-domain (ai.onnx) opset`);

  const reasons: string[] = [];
  const blockingOps: BlockingOp[] = [];
  const initNames = new Set((g.initializer ?? []).map((t) => t.name ?? ''));
  const dataInputs = (g.input ?? []).filter((i) => !initNames.has(i.name ?? ''));
  const floatInputs = dataInputs.filter((i) => i.type?.tensorType?.elemType === DataType.FLOAT);
  if (floatInputs.length === 0) {
    const got = dataInputs.map((i) => `${i.name} (${dataTypeName(i.type?.tensorType?.elemType)})`).join(', ') || 'none';
    throw new ModelFormatError(`${label} has no float32 input (inputs: ${got})`);
  }
  const input = floatInputs[0]!;
  const inputName = input.name ?? '';
  if (dataInputs.length > 1) {
    reasons.push(`the model has ${dataInputs.length} inputs (${dataInputs.map((i) => i.name).join(', ')}); gradients need exactly one`);
  }
  const outputNames = (g.output ?? []).map((o) => o.name ?? '');
  if (outputNames.length === 0) throw new ModelFormatError(`${label} declares no graph output`);
  const outputName = outputNames[0]!;
  if (outputNames.length > 1) reasons.push(`the model has ${outputNames.length} outputs (${outputNames.join(', ')}); gradients need exactly one`);

  const declared = declaredShape(input);
  const inputShape = declared ?? [];
  let rest: number[] = [];
  if (declared === undefined || declared.length === 0) {
    reasons.push(`input ${inputName} declares no shape (rank unknown)`);
  } else {
    rest = declared.slice(1);
    if (options.inputShape !== undefined) {
      if (options.inputShape.length !== declared.length) {
        throw new ModelFormatError(`${label}: inputShape [${options.inputShape.join(', ')}] has rank ${options.inputShape.length}, the model input has rank ${declared.length}`);
      }
      rest = options.inputShape.slice(1).map((d, i) => (d > 0 ? d : rest[i]!));
    }
  }

  const allNames = new Set<string>([inputName, ...initNames]);
  for (const node of g.node ?? []) for (const t of [...(node.input ?? []), ...(node.output ?? [])]) if (t) allNames.add(t);
  const fixedBatch = declared && declared.length > 0 && declared[0]! > 0 ? declared[0] : undefined;
  const cx = new ImportContext(opset, allNames, fixedBatch);
  for (const t of g.initializer ?? []) {
    const d = decodeTensorProto(t, `${label}: initializer ${JSON.stringify(t.name ?? '')}`);
    const a = arr(d.kind, d.shape, d.data);
    cx.env.set(t.name ?? '', { kind: 'const', w: [a, a], source: t.name ?? '' });
  }
  for (const i of dataInputs) if (i !== input) cx.env.set(i.name ?? '', { kind: 'unknown' });
  cx.env.set(
    inputName,
    declared && declared.length > 0
      ? { kind: 'runtime', name: inputName, shapes: [[WORLD_BATCH[0], ...rest], [WORLD_BATCH[1], ...rest]] }
      : { kind: 'unknown' },
  );
  const inputValue = cx.env.get(inputName);
  if (inputValue?.kind === 'runtime') cx.batchSource = inputValue;

  const used = new Set<string>(outputNames);
  for (const node of g.node ?? []) for (const t of node.input ?? []) if (t) used.add(t);
  const nameCount = new Map<string, number>();
  for (const node of g.node ?? []) if (node.name) nameCount.set(node.name, (nameCount.get(node.name) ?? 0) + 1);

  /** ONNX display name -> IR node name (main node). */
  const irOf = new Map<string, string>();
  const onnxOf = new Map<string, { op: string; node: string }>();
  for (const node of g.node ?? []) {
    const op = node.opType ?? '';
    const outputs = node.output ?? [];
    const shown = displayName(node.name, outputs);
    const where = `node ${shown} (${op})`;
    const inputs: (Value | undefined)[] = (node.input ?? []).map((name) => {
      if (!name) return undefined;
      const v = cx.env.get(name);
      if (v === undefined) throw new ModelFormatError(`${label}: ${where} reads tensor ${name}, which is not defined before it`);
      return v;
    });
    const base = node.name && nameCount.get(node.name) === 1 ? node.name : (outputs.find((o) => o !== '') ?? op);
    const before = cx.nodes.length;
    try {
      if (op === 'Gather' && inputs[1] !== undefined && inputs[1].kind !== 'const') {
        throw new Blocked('data-dependent Gather indices (computed from the model input) are not supported');
      }
      if (inputs.some((v) => v?.kind === 'unknown')) throw new Downstream();
      if (node.domain && node.domain !== 'ai.onnx') throw new Blocked(`op domain ${node.domain} is not supported`);
      const irName = cx.uniqueNodeName(base);
      const n = new NodeContext(cx, op, irName, where, new NodeAttributes(node, `${label}: ${where}`), inputs, outputs, used);
      const allConst = inputs.every((v) => v === undefined || v.kind === 'const');
      const folder = FOLDERS[op];
      const convert = CONVERTERS[op];
      if (folder && (allConst || op === 'Shape' || op === 'Size')) folder(n);
      else if (convert) convert(n);
      else throw new Blocked(`op ${op} has no IR mapping`);
      irOf.set(shown, irName);
      for (const m of cx.nodes.slice(before)) onnxOf.set(m.name, { op, node: shown });
    } catch (e) {
      cx.nodes.length = before;
      for (const o of outputs) if (o) cx.env.set(o, { kind: 'unknown' });
      if (!(e instanceof Downstream)) {
        const reason = e instanceof Error ? e.message : String(e);
        blockingOps.push({ op, node: shown, reason });
      }
    }
  }
  for (const b of blockingOps) reasons.push(`node ${b.node} (${b.op}): ${b.reason}`);

  const out = cx.env.get(outputName);
  if (out === undefined) throw new ModelFormatError(`${label}: graph output ${outputName} is not produced by any node`);
  if (out.kind === 'const') reasons.push(`output ${outputName} is a constant (it does not depend on input ${inputName})`);
  else if (out.kind === 'runtime' && out.name === inputName) reasons.push(`output ${outputName} is the input itself`);
  else if (out.kind === 'runtime' && (out.shapes[0].length === 0 || out.shapes[0][0] === out.shapes[1][0])) {
    reasons.push(`output ${outputName}'s first dimension does not grow with the batch (a model exported for a fixed batch size?)`);
  }

  let graph: Graph | null = null;
  if (reasons.length === 0 && out.kind === 'runtime') {
    const { nodes, initializers } = prune(cx.nodes, cx.initializers, outputName);
    const candidate: Graph = {
      name: g.name || 'onnx',
      inputs: [{ name: inputName, shape: [-1, ...rest] }],
      outputs: [outputName],
      initializers,
      nodes,
      metadata: {
        source: 'onnx',
        layout: 'NCHW',
        opset: String(opset),
        ...(model.producerName ? { producer: model.producerName } : {}),
        ...(options.source ? { path: options.source } : {}),
      },
    };
    try {
      validateGraph(candidate);
      graph = candidate;
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      const culprit = candidate.nodes.find((m) => reason.includes(`node ${m.name}`));
      const origin = culprit ? onnxOf.get(culprit.name) : undefined;
      if (origin) blockingOps.push({ op: origin.op, node: origin.node, reason });
      reasons.push(`the imported graph does not validate: ${reason}`);
    }
  }

  const layerNames: Record<string, string> = {};
  let modules: OnnxModuleIndex = { modules: {}, children: { '': [] }, inputs: {} };
  if (graph) {
    const kept = new Set(graph.nodes.map((m) => m.name));
    for (const [shown, ir] of irOf) if (kept.has(ir)) layerNames[shown] = ir;
    const tensorLayer = new Map<string, string>();
    for (const m of graph.nodes) for (const o of m.outputs) tensorLayer.set(o, m.name);
    // ONNX tensors standing for an IR tensor under another name (Identity-like ops bound through).
    for (const [name, v] of cx.env) {
      if (tensorLayer.has(name) || v.kind !== 'runtime') continue;
      const ir = cx.producer.get(v.name);
      if (ir !== undefined && kept.has(ir)) tensorLayer.set(name, ir);
    }
    for (const [t, ir] of tensorLayer) layerNames[t] = ir;
    const scoped = (g.node ?? []).map((node) => ({
      name: node.name ?? '',
      op: node.opType ?? '',
      inputs: node.input ?? [],
      outputs: node.output ?? [],
    }));
    modules = buildModuleIndex(scoped, outputNames, inputName, (t) => tensorLayer.get(t));
  }
  const outputShape = graph
    ? inferGraphShapes(graph)[outputName]!
    : (declaredShape((g.output ?? []).find((o) => o.name === outputName)) ?? []);
  return {
    graph,
    forwardOnly: graph === null,
    blockingOps,
    reasons,
    inputName,
    outputName,
    outputNames,
    opset,
    inputShape,
    outputShape,
    layerNames,
    modules,
    bytes,
  };
}

class Downstream extends Error {}
class Blocked extends Error {}

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
