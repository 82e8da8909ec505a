/**
 * Import state (values per TensorFlow tensor, the IR nodes and initializers being built, unique
 * naming) and the per-node context converters work with: typed access to inputs and constants,
 * and emission of IR nodes with per-world shape inference (folded on the host when every operand
 * is a constant).
 */
import { getOp, referenceKernels, type Attrs, type GraphNode, type OpType, type Tensor } from '@glasswing/core';
import type { TfNode } from './artifacts.js';
import type { TfAttrs } from './attrs.js';
import {
  ImportIssue,
  batchIndependent,
  constOf,
  fmt,
  type ConstArr,
  type ConstValue,
  type RuntimeValue,
  type Value,
} from './values.js';

export class ImportContext {
  /** Values by TensorFlow tensor name `node:index`. */
  readonly env = new Map<string, Value>();
  readonly nodes: GraphNode[] = [];
  readonly initializers: Record<string, Tensor> = {};
  /** IR node name -> the TensorFlow node it was made for. */
  readonly origin = new Map<string, { op: string; node: string }>();
  private readonly names: Set<string>;
  private readonly materialized = new Map<ConstValue, string>();

  constructor(
    /** Every GraphDef node name (reserved: the IR names nodes after them). */
    tfNames: Iterable<string>,
    /** The declared batch size when the model fixes it. */
    readonly fixedBatch: number | undefined,
  ) {
    this.names = new Set(tfNames);
  }

  unique(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /** The IR tensor for an operand; a constant becomes an initializer (once). */
  operandName(v: Value, what: string): string {
    if (v.kind === 'runtime') return v.name;
    if (v.kind === 'unknown') throw new ImportIssue(`${what} is not computable`);
    const done = this.materialized.get(v);
    if (done !== undefined) return done;
    if (!batchIndependent(v)) throw new ImportIssue(`${what} is a constant that depends on the batch size`);
    const a = v.w[0];
    const name = v.source !== undefined && !(v.source in this.initializers) ? v.source : this.unique(`${v.source ?? what}/const`);
    this.initializers[name] = { shape: [...a.shape], data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data) };
    this.materialized.set(v, name);
    return name;
  }
}

export interface EmitOptions {
  /** Auxiliary node: named `<tf node>/<role>` (absent: the TF node's own IR node, named after it). */
  readonly role?: string;
  /** Explicit IR node name (e.g. `<tf node>:1` for a later output). */
  readonly name?: string;
}

export class NodeContext {
  private mainEmitted = false;

  constructor(
    readonly cx: ImportContext,
    readonly node: TfNode,
    readonly attrs: TfAttrs,
    /** Data inputs (control edges removed). */
    readonly inputs: readonly Value[],
    /** Output indices some needed node reads. */
    readonly usedOutputs: ReadonlySet<number>,
  ) {}

  get name(): string {
    return this.node.name;
  }

  get op(): string {
    return this.node.op;
  }

  input(i: number, what = `input ${i}`): Value {
    const v = this.inputs[i];
    if (v === undefined) throw new ImportIssue(`${what} is missing (the node has ${this.inputs.length} inputs)`);
    return v;
  }

  /** A batch-independent constant input. */
  constArr(i: number, what: string): ConstArr {
    const v = this.input(i, what);
    if (v.kind !== 'const') throw new ImportIssue(`${what} must be a constant, but it is computed from the model input`);
    if (!batchIndependent(v)) throw new ImportIssue(`${what} depends on the batch size`);
    return v.w[0];
  }

  constInts(i: number, what: string): number[] {
    const a = this.constArr(i, what);
    const out = Array.from(a.data);
    if (out.some((x) => !Number.isInteger(x))) throw new ImportIssue(`${what} must hold integers, got ${fmt(out)}`);
    return out;
  }

  constScalar(i: number, what: string): number {
    const a = this.constArr(i, what);
    if (a.data.length !== 1) throw new ImportIssue(`${what} must be a scalar, got shape ${fmt(a.shape)}`);
    return a.data[0]!;
  }

  /** Refuse when an extra output (index >= from) is read downstream. */
  requireUnused(from: number, why: string): void {
    for (const i of this.usedOutputs) if (i >= from) throw new ImportIssue(`output ${i} is used: ${why}`);
  }

  bind(index: number, v: Value): void {
    this.cx.env.set(`${this.node.name}:${index}`, v);
  }

  /**
   * Append an IR node (or evaluate it on the host when every operand is a batch-independent
   * constant) and return its value. The main node (no role, no name) carries the TF node's name.
   */
  emit(op: OpType, operands: readonly Value[], attrs: Attrs, options: EmitOptions = {}): Value {
    const def = getOp(op);
    const main = options.role === undefined && options.name === undefined;
    if (operands.every((v) => v.kind === 'const' && batchIndependent(v))) {
      const probe: GraphNode = { name: this.node.name, op, inputs: operands.map((_, i) => `c${i}`), outputs: ['y'], attrs };
      const ts = operands.map((v) => {
        const a = (v as ConstValue).w[0];
        return { shape: [...a.shape], data: a.data instanceof Float32Array ? a.data : Float32Array.from(a.data) };
      });
      const [y] = def.forward(referenceKernels, ts, probe);
      return constOf({ kind: 'float', shape: [...y!.shape], data: y!.data });
    }
    if (main && this.mainEmitted) throw new Error(`internal: node ${this.node.name} emitted its main IR node twice`);
    const name = main ? this.node.name : this.cx.unique(options.name ?? `${this.node.name}/${options.role}`);
    if (main) this.mainEmitted = true;
    const inputs = operands.map((v, i) => this.cx.operandName(v, `${this.node.name}/operand${i}`));
    const irNode: GraphNode = { name, op, inputs, outputs: [name], attrs };
    const shapes = ([0, 1] as const).map((w) => {
      const ins = operands.map((v) => (v.kind === 'runtime' ? v.shapes[w] : (v as ConstValue).w[0].shape));
      return def.inferShapes(ins, irNode)[0]!;
    });
    this.cx.nodes.push(irNode);
    this.cx.origin.set(name, { op: this.node.op, node: this.node.name });
    const value: RuntimeValue = { kind: 'runtime', name, shapes: [shapes[0]!, shapes[1]!] };
    return value;
  }

  /** A new float constant operand derived from a weight (e.g. a reshaped depthwise filter). */
  constant(role: string, t: ConstArr): ConstValue {
    return constOf({ kind: 'float', shape: [...t.shape], data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) }, this.cx.unique(`${this.node.name}/${role}`));
  }
}
