/**
 * Import state: ONNX tensor values, the IR nodes and initializers being built, unique naming,
 * and emission of IR nodes (with per-world shape inference, and host folding when every operand
 * is a constant).
 */
import { getOp, OP_TYPES, referenceKernels, type Attrs, type GraphNode, type OpType, type Tensor } from '@glasswing/core';
import type { NodeAttributes } from '../proto/attributes.js';
import {
  BlockedError,
  WORLD_BATCH,
  batchIndependent,
  constOf,
  fmt,
  type ConstArr,
  type ConstValue,
  type RuntimeValue,
  type Value,
} from './values.js';

export class ImportContext {
  readonly env = new Map<string, Value>();
  readonly nodes: GraphNode[] = [];
  readonly initializers: Record<string, Tensor> = {};
  /** IR tensor name -> IR node that produces it. */
  readonly producer = new Map<string, string>();
  private readonly nodeNames = new Set<string>();
  private readonly tensorNames: Set<string>;
  /** Initializer name already created for a constant value. */
  private readonly materialized = new Map<ConstValue, string>();
  /**
   * The model input (a runtime tensor with the batch dimension): constants that only repeat a
   * row along the batch (a class token `expand`ed to the batch size) are built from it.
   */
  batchSource?: RuntimeValue;

  constructor(
    readonly opset: number,
    allTensorNames: Iterable<string>,
    /** The declared input batch size when the model fixes it (else undefined). */
    readonly fixedBatch?: number,
  ) {
    this.tensorNames = new Set(allTensorNames);
  }

  uniqueNodeName(base: string): string {
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    return name;
  }

  uniqueTensorName(base: string): string {
    let name = base;
    for (let i = 1; this.tensorNames.has(name); i++) name = `${base}_${i}`;
    this.tensorNames.add(name);
    return name;
  }

  /** The IR tensor name for an operand; constants become initializers (batch-independent floats only). */
  operandName(v: Value, what: string): string {
    if (v.kind === 'runtime') return v.name;
    if (v.kind === 'unknown') throw new BlockedError(`${what} is not computable`);
    const done = this.materialized.get(v);
    if (done !== undefined) return done;
    if (!batchIndependent(v)) throw new BlockedError(`${what} is a constant that depends on the batch size`);
    const a = v.w[0];
    // An ONNX tensor name is reserved for that tensor: use it as is (once).
    const name =
      v.source !== undefined && !(v.source in this.initializers) ? v.source : this.uniqueTensorName(v.source ?? `${what}/const`);
    const data = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
    this.initializers[name] = { shape: [...a.shape], data };
    this.materialized.set(v, name);
    return name;
  }
}

export interface EmitOptions {
  /** Output tensor name (default: a fresh `<node>/<role>` name). */
  readonly output?: string;
  /** Role suffix for auxiliary nodes; absent = the ONNX node's own IR node. */
  readonly role?: string;
  /** Explicit IR node name (e.g. for Split's later outputs). */
  readonly nodeName?: string;
}

const IR_OPS: ReadonlySet<string> = new Set(OP_TYPES);

/** Per-node conversion context handed to converters. */
export class NodeContext {
  constructor(
    readonly cx: ImportContext,
    readonly op: string,
    /** IR node name for the node's main output. */
    readonly irName: string,
    /** "node <name> (<op>)" for messages. */
    readonly where: string,
    readonly attrs: NodeAttributes,
    readonly inputs: readonly (Value | undefined)[],
    readonly outputs: readonly string[],
    /** Tensor names consumed anywhere (nodes or graph outputs). */
    readonly used: ReadonlySet<string>,
  ) {}

  get opset(): number {
    return this.cx.opset;
  }

  input(i: number): Value | undefined {
    return this.inputs[i];
  }

  has(i: number): boolean {
    return this.inputs[i] !== undefined;
  }

  /** A runtime (input-dependent) tensor or a constant, required. */
  required(i: number, what = `input ${i}`): Value {
    const v = this.inputs[i];
    if (v === undefined) throw new BlockedError(`${what} is missing`);
    return v;
  }

  /** A batch-independent constant input, required (else blocked: `what` must be constant). */
  constant(i: number, what: string): ConstArr {
    const v = this.required(i, what);
    if (v.kind !== 'const') throw new BlockedError(`${what} must be a constant, but it is computed from the model input`);
    if (!batchIndependent(v)) throw new BlockedError(`${what} depends on the batch size`);
    return v.w[0];
  }

  constInts(i: number, what: string): number[] {
    const a = this.constant(i, what);
    if (a.kind === 'float' && Array.from(a.data).some((x) => !Number.isInteger(x))) throw new BlockedError(`${what} must hold integers`);
    return Array.from(a.data);
  }

  constScalar(i: number, what: string): number {
    const a = this.constant(i, what);
    if (a.data.length !== 1) throw new BlockedError(`${what} must be a scalar, got shape ${fmt(a.shape)}`);
    return a.data[0]!;
  }

  /** Block when an optional extra output (index >= 1) is consumed. */
  requireUnused(from: number, why: string): void {
    for (let i = from; i < this.outputs.length; i++) {
      const name = this.outputs[i]!;
      if (name !== '' && this.used.has(name)) throw new BlockedError(`output ${i} (${name}) is used: ${why}`);
    }
  }

  bind(outputIndex: number, v: Value): void {
    const name = this.outputs[outputIndex];
    if (!name) return;
    // Folded constants are named after the ONNX tensor they stand for (their initializer's name).
    this.cx.env.set(name, v.kind === 'const' && v.source === undefined ? { ...v, source: name } : v);
  }

  /**
   * Append an IR node (or fold it on the host when every operand is a constant) and return its
   * value. The main node (no role) writes the ONNX node's first output under the ONNX name.
   */
  emit(op: string, operandValues: readonly Value[], attrs: Attrs, options: EmitOptions = {}): Value {
    let operands = operandValues;
    if (!IR_OPS.has(op)) throw new BlockedError(`the IR has no ${op} op`);
    const def = getOp(op as OpType);
    const main = options.role === undefined;
    const nodeName = options.nodeName ?? (main ? this.irName : this.cx.uniqueNodeName(`${this.irName}/${options.role}`));
    if (operands.every((v) => v.kind === 'const' && batchIndependent(v))) {
      const node: GraphNode = { name: nodeName, op: op as OpType, inputs: operands.map((_, i) => `c${i}`), outputs: ['y'], attrs };
      const ts = operands.map((v) => {
        const a = (v as ConstValue).w[0];
        return { shape: [...a.shape], data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data) };
      });
      const [y] = def.forward(referenceKernels, ts, node);
      return constOf({ kind: 'float', shape: [...y!.shape], data: y!.data });
    }
    operands = operands.map((v) => (v.kind === 'const' && !batchIndependent(v) ? (this.batchBroadcast(v) ?? v) : v));
    const inputs = operands.map((v, i) => this.cx.operandName(v, `${this.where} operand ${i}`));
    const output = options.output ?? this.cx.uniqueTensorName(`${nodeName}/out`);
    const node: GraphNode = { name: nodeName, op: op as OpType, inputs, outputs: [output], attrs };
    const shapes = ([0, 1] as const).map((w) => {
      const ins = operands.map((v) => (v.kind === 'runtime' ? v.shapes[w] : (v as ConstValue).w[0].shape));
      return def.inferShapes(ins, node)[0]!;
    });
    this.cx.nodes.push(node);
    this.cx.producer.set(output, nodeName);
    const value: RuntimeValue = { kind: 'runtime', name: output, shapes: [shapes[0]!, shapes[1]!] };
    return value;
  }

  /**
   * A constant that depends on the batch size only by repeating one row along the leading
   * dimension (e.g. `class_token.expand(N, -1, -1)`), as a runtime tensor: the row added to
   * zeros of shape [N, 1, …, 1] taken from the model input (a Slice times 0, so no gradient
   * flows back through it). Undefined for any other batch-dependent constant.
   */
  private batchBroadcast(v: ConstValue): Value | undefined {
    const src = this.cx.batchSource;
    const [a, b] = v.w;
    if (src === undefined || a.kind !== 'float' || b.kind !== 'float' || a.shape.length === 0) return undefined;
    if (a.shape[0] !== WORLD_BATCH[0] || b.shape[0] !== WORLD_BATCH[1] || src.shapes[0][0] !== WORLD_BATCH[0]) return undefined;
    const rest = a.shape.slice(1);
    if (rest.length !== b.shape.length - 1 || rest.some((d, i) => d !== b.shape[i + 1])) return undefined;
    const row = rest.reduce((p, d) => p * d, 1);
    for (const w of [a, b]) for (let i = row; i < w.data.length; i++) if (w.data[i] !== w.data[i % row]) return undefined;
    const rowConst = constOf({ kind: 'float', shape: [1, ...rest], data: Float32Array.from(a.data.slice(0, row)) });
    const srcRank = src.shapes[0].length;
    const axes = Array.from({ length: srcRank - 1 }, (_, i) => i + 1);
    const first = this.emit('Slice', [src], { starts: axes.map(() => 0), ends: axes.map(() => 1), axes }, { role: 'batch_slice' });
    const zero = this.emit('Mul', [first, constOf({ kind: 'float', shape: [], data: Float32Array.of(0) })], {}, { role: 'batch_zeros' });
    const shaped = this.emit('Reshape', [zero], { shape: [-1, ...rest.map(() => 1)] }, { role: 'batch_shape' });
    return this.emit('Add', [shaped, rowConst], {}, { role: 'batch_broadcast' });
  }

  /** emit() writing output `outputIndex` of the ONNX node (default 0) under its ONNX name. */
  emitOutput(op: string, operands: readonly Value[], attrs: Attrs, outputIndex = 0, nodeName?: string): void {
    const output = this.outputs[outputIndex]!;
    const v = this.emit(op, operands, attrs, { output, ...(nodeName ? { nodeName, role: undefined } : {}) });
    this.bind(outputIndex, v);
  }
}
