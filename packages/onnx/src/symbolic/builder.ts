/**
 * OnnxGraphBuilder: collects the nodes, initializers, inputs and outputs of one ONNX graph with
 * fully static shapes. The symbolic kernels (one file each in this folder) append nodes to it and
 * return `Sym` values. Constants are tracked on the host (for constant folding), `fill` values
 * stay lazy scalars until a node needs them as a full tensor, and a few producer records
 * (`origin`) let kernels recognise patterns (Transpose∘Transpose, ReLU→MaxPool backward).
 *
 * Opset: every node is emitted for the default ONNX domain at opset 17 (OPSET).
 */
import { sizeOf, type Tensor } from '@glasswing/core';

/** ONNX opset of every emitted graph (17: ScatterElements reduction, ReduceSum axes as input). */
export const OPSET = 17;

/** A symbolic value: the name of a tensor in the graph being built, and its static shape. */
export interface Sym {
  readonly name: string;
  readonly shape: readonly number[];
}

export type OnnxAttr =
  | { readonly i: number }
  | { readonly f: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly s: string };

export interface BuiltNode {
  readonly op: string;
  readonly name: string;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attrs: Record<string, OnnxAttr>;
}

export interface BuiltInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  /** float32 data, or int64 values (as numbers). */
  readonly data: Float32Array | readonly number[];
  readonly int64: boolean;
}

/** What produced a value (for peephole patterns). */
export type Origin =
  | { readonly op: 'Transpose'; readonly input: Sym; readonly perm: readonly number[] }
  | { readonly op: 'Relu'; readonly input: Sym }
  | { readonly op: 'Step'; readonly input: Sym }
  | {
      readonly op: 'MaxUnpool';
      /** The pooled-resolution gradient that was unpooled. */
      readonly grad: Sym;
      readonly poolInput: Sym;
      /** Rebuild the unpool from a (masked) pooled-resolution gradient. */
      readonly rebuild: (grad: Sym) => Sym;
      readonly pooled: Sym;
    };

/** Folding a value whose size exceeds this (elements) is left to the runtime. */
export const FOLD_LIMIT = 1 << 22;
/** A lazy fill at most this large counts as a host constant. */
const SMALL_FILL = 1 << 16;

export class OnnxGraphBuilder {
  readonly nodes: BuiltNode[] = [];
  readonly initializers: BuiltInitializer[] = [];
  readonly inputs: Sym[] = [];
  readonly outputs: Sym[] = [];
  readonly origins = new Map<string, Origin>();
  /** Per-builder memo for kernels that share work (e.g. MaxPool forward and its Indices). */
  readonly memo = new Map<string, unknown>();
  private readonly used = new Set<string>();
  private readonly hosts = new Map<string, Tensor>();
  private readonly scalars = new Map<string, number>();
  private readonly pendingFills = new Map<string, Sym>();
  private readonly int64Cache = new Map<string, string>();
  private readonly scalarCache = new Map<number, string>();
  private readonly hostCache = new Map<Tensor, Sym>();
  private counter = 0;

  /** A new unique tensor/node name starting with `hint`. */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_./:-]/g, '_') || 't';
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  /** Declare a graph input (float32). The name is used as is (must be unique). */
  input(name: string, shape: readonly number[]): Sym {
    if (this.used.has(name)) throw new Error(`internal: duplicate graph input ${name}`);
    this.used.add(name);
    const s: Sym = { name, shape: [...shape] };
    this.inputs.push(s);
    return s;
  }

  /** Make `sym` a graph output called `name` (through an Identity). */
  output(sym: Sym, name: string): void {
    if (this.used.has(name)) throw new Error(`internal: duplicate graph output ${name}`);
    this.used.add(name);
    this.nodes.push({ op: 'Identity', name: `${name}__out`, inputs: [this.use(sym)], outputs: [name], attrs: {} });
    this.outputs.push({ name, shape: sym.shape });
  }

  /** A float32 initializer holding `t` (the same host tensor gives the same initializer). */
  constant(t: Tensor, hint = 'const'): Sym {
    const cached = this.hostCache.get(t);
    if (cached) return cached;
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...t.shape], data: t.data, int64: false });
    this.hosts.set(name, t);
    const s: Sym = { name, shape: [...t.shape] };
    this.hostCache.set(t, s);
    return s;
  }

  /** A 1-D (or scalar, with dims []) int64 initializer; identical values share one name. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${dims.join(',')}|${values.join(',')}`;
    const hit = this.int64Cache.get(key);
    if (hit) return hit;
    const name = this.fresh('i64');
    this.initializers.push({ name, dims: [...dims], data: [...values], int64: true });
    this.int64Cache.set(key, name);
    return name;
  }

  /** A float32 scalar (rank 0) initializer; equal values share one name. */
  scalarName(value: number): string {
    const key = Object.is(value, -0) ? 0 : value;
    const hit = this.scalarCache.get(key);
    if (hit) return hit;
    const name = this.fresh('scalar');
    const t: Tensor = { shape: [], data: new Float32Array([value]) };
    this.initializers.push({ name, dims: [], data: t.data, int64: false });
    this.hosts.set(name, t);
    this.scalarCache.set(key, name);
    return name;
  }

  /** A tensor of `shape` filled with `value`: materialised only when a node consumes it. */
  fill(shape: readonly number[], value: number): Sym {
    const s: Sym = { name: this.fresh('fill'), shape: [...shape] };
    this.scalars.set(s.name, value);
    this.pendingFills.set(s.name, s);
    return s;
  }

  /** The uniform value of a fill, if `s` is one. */
  scalarOf(s: Sym): number | undefined {
    const v = this.scalars.get(s.name);
    if (v !== undefined) return v;
    const h = this.hosts.get(s.name);
    return h && h.data.length === 1 ? h.data[0] : undefined;
  }

  /** The host value of a constant (initializer or small fill), else undefined. */
  host(s: Sym): Tensor | undefined {
    const h = this.hosts.get(s.name);
    if (h) return h;
    const v = this.scalars.get(s.name);
    if (v !== undefined && sizeOf(s.shape) <= SMALL_FILL) {
      return { shape: [...s.shape], data: new Float32Array(sizeOf(s.shape)).fill(v) };
    }
    return undefined;
  }

  isConstant(s: Sym): boolean {
    return this.hosts.has(s.name) || this.scalars.has(s.name);
  }

  /** Name to use for `s` as a node input, materialising a pending fill. */
  use(s: Sym | string): string {
    if (typeof s === 'string') return s;
    const pending = this.pendingFills.get(s.name);
    if (pending) {
      this.pendingFills.delete(s.name);
      const value = this.scalars.get(s.name)!;
      if (s.shape.length === 0) {
        this.nodes.push({ op: 'Identity', name: `${s.name}__n`, inputs: [this.scalarName(value)], outputs: [s.name], attrs: {} });
      } else {
        this.nodes.push({
          op: 'Expand',
          name: `${s.name}__n`,
          inputs: [this.scalarName(value), this.int64(s.shape)],
          outputs: [s.name],
          attrs: {},
        });
      }
    }
    return s.name;
  }

  /** Append a node with one output per shape in `outShapes`. */
  node(op: string, inputs: readonly (Sym | string)[], attrs: Record<string, OnnxAttr>, outShapes: readonly (readonly number[])[], hint = op): Sym[] {
    const outs = outShapes.map((shape, i) => ({ name: this.fresh(i === 0 ? hint : `${hint}_${i}`), shape: [...shape] }));
    this.nodes.push({
      op,
      name: `${outs[0]!.name}__n`,
      inputs: inputs.map((s) => this.use(s)),
      outputs: outs.map((o) => o.name),
      attrs,
    });
    return outs;
  }

  node1(op: string, inputs: readonly (Sym | string)[], attrs: Record<string, OnnxAttr>, outShape: readonly number[], hint = op): Sym {
    return this.node(op, inputs, attrs, [outShape], hint)[0]!;
  }

  /** The node producing tensor `name` (for in-place rewrites by kernels), if any. */
  producer(name: string): BuiltNode | undefined {
    for (let i = this.nodes.length - 1; i >= 0; i--) if (this.nodes[i]!.outputs.includes(name)) return this.nodes[i];
    return undefined;
  }

  /** Nodes needed for the outputs, in order (dead nodes from the symbolic run dropped). */
  liveNodes(): BuiltNode[] {
    const need = new Set(this.outputs.map((o) => o.name));
    const keep: boolean[] = new Array<boolean>(this.nodes.length).fill(false);
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (n.outputs.some((o) => need.has(o))) {
        keep[i] = true;
        for (const x of n.inputs) if (x !== '') need.add(x);
      }
    }
    return this.nodes.filter((_, i) => keep[i]);
  }
}
