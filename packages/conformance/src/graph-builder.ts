/**
 * A small helper for building IR graphs programmatically: named initializers drawn from a
 * seeded generator, nodes appended in topological order, one output per node.
 */
import type { Attrs, Graph, GraphNode, OpType, Tensor } from '@glasswing/core';
import type { SuiteRng } from './rng.js';

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly initializers: Record<string, Tensor> = {};

  constructor(
    private readonly rng: SuiteRng,
    private readonly inputName = 'input',
  ) {}

  get input(): string {
    return this.inputName;
  }

  /** An initializer with normal(0, scale) entries. */
  weight(name: string, shape: readonly number[], scale: number): string {
    return this.constant(name, shape, this.rng.normals(shape.reduce((a, b) => a * b, 1), scale));
  }

  /** An initializer with uniform entries in [lo, hi). */
  uniform(name: string, shape: readonly number[], lo: number, hi: number): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * this.rng.uniform();
    return this.constant(name, shape, data);
  }

  constant(name: string, shape: readonly number[], data: Float32Array): string {
    if (name in this.initializers) throw new Error(`duplicate initializer ${name}`);
    this.initializers[name] = { shape: [...shape], data };
    return name;
  }

  /** Append a node whose single output is named after the node; returns that output name. */
  node(name: string, op: OpType, inputs: readonly string[], attrs: Attrs = {}): string {
    if (this.nodes.some((n) => n.name === name)) throw new Error(`duplicate node ${name}`);
    this.nodes.push({ name, op, inputs: [...inputs], outputs: [name], attrs });
    return name;
  }

  build(name: string, inputShape: readonly number[], output: string, metadata?: Record<string, string>): Graph {
    return {
      name,
      inputs: [{ name: this.inputName, shape: [-1, ...inputShape] }],
      outputs: [output],
      initializers: { ...this.initializers },
      nodes: [...this.nodes],
      ...(metadata ? { metadata } : {}),
    };
  }
}
