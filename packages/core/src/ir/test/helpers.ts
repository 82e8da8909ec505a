/** Test helpers for op and executor tests (not part of the public API). */
import { expect } from 'vitest';
import { referenceKernels as k } from '../../reference/index.js';
import type { Tensor } from '../../tensor.js';
import type { Attrs, Graph, GraphNode, OpType } from '../graph.js';
import { OPS } from '../ops/index.js';

export { k };

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function rng(seed: number): (lo?: number, hi?: number) => number {
  let a = seed >>> 0;
  return (lo = 0, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

export function randomTensor(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = r(lo, hi);
  return { shape: [...shape], data };
}

export function t(data: readonly number[], shape: readonly number[]): Tensor {
  return { shape: [...shape], data: Float32Array.from(data) };
}

export function mkNode(op: OpType, nInputs: number, attrs: Attrs = {}, name = 'n'): GraphNode {
  return { name, op, inputs: Array.from({ length: nInputs }, (_, i) => `in${i}`), outputs: ['out'], attrs };
}

/** Run one op's forward on the reference kernels, checking inferShapes agrees with the result. */
export function runOp(op: OpType, inputs: readonly Tensor[], attrs: Attrs = {}): Tensor {
  const node = mkNode(op, inputs.length, attrs);
  const def = OPS[op];
  const [y] = def.forward(k, inputs, node);
  const inferred = def.inferShapes(
    inputs.map((x) => x.shape),
    node,
  )[0]!;
  expect(inferred).toEqual([...y!.shape]);
  return y!;
}

export function expectClose(actual: Tensor, expected: Tensor | readonly number[], tol = 1e-5): void {
  const exp = 'data' in expected ? expected.data : expected;
  if ('shape' in expected) expect([...actual.shape]).toEqual([...expected.shape]);
  expect(actual.data.length).toBe(exp.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < exp.length; i++) scale = Math.max(scale, Math.abs(exp[i]!));
  for (let i = 0; i < exp.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - exp[i]!));
  expect(worst, `max abs error ${worst} (scale ${scale})`).toBeLessThanOrEqual(tol * scale);
}

/** <seed, f(inputs)> in float64. */
function dot(seed: Tensor, y: Tensor): number {
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += seed.data[i]! * y.data[i]!;
  return s;
}

/**
 * Check an op's VJP for the inputs listed in `wrt` against central finite differences of the
 * random linear functional <seed, f(x)>.
 */
export function checkVjp(
  op: OpType,
  inputs: readonly Tensor[],
  attrs: Attrs = {},
  opts: { wrt?: readonly number[]; eps?: number; tol?: number; seed?: number } = {},
): void {
  const node = mkNode(op, inputs.length, attrs);
  const def = OPS[op];
  const wrt = opts.wrt ?? [0];
  const eps = opts.eps ?? 1e-2;
  const tol = opts.tol ?? 2e-3;
  const [y] = def.forward(k, inputs, node);
  const seed = randomTensor(y!.shape, opts.seed ?? 99);
  const grads = def.vjp(k, inputs, [y!], [seed], node);
  for (const i of wrt) {
    const g = grads[i];
    expect(g, `gradient for input ${i}`).toBeDefined();
    expect([...g!.shape]).toEqual([...inputs[i]!.shape]);
    const fd = new Float64Array(inputs[i]!.data.length);
    for (let j = 0; j < fd.length; j++) {
      const at = (delta: number): number => {
        const data = Float32Array.from(inputs[i]!.data);
        data[j] = data[j]! + delta;
        const xs = inputs.map((x, m) => (m === i ? { shape: x.shape, data } : x));
        return dot(seed, def.forward(k, xs, node)[0]!);
      };
      fd[j] = (at(eps) - at(-eps)) / (2 * eps);
    }
    expectClose(g!, Array.from(fd), tol);
  }
}

/** A tiny graph builder for tests. */
export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly inits: Record<string, Tensor> = {};
  private count = 0;
  constructor(
    readonly inputName: string,
    readonly inputShape: readonly number[],
  ) {}
  init(name: string, value: Tensor): string {
    this.inits[name] = value;
    return name;
  }
  add(op: OpType, inputs: readonly string[], attrs: Attrs = {}, name?: string): string {
    const nm = name ?? `${op.toLowerCase()}_${this.count++}`;
    this.nodes.push({ name: nm, op, inputs: [...inputs], outputs: [`${nm}:0`], attrs });
    return `${nm}:0`;
  }
  build(output: string, name = 'test'): Graph {
    return {
      name,
      inputs: [{ name: this.inputName, shape: [...this.inputShape] }],
      outputs: [output],
      initializers: { ...this.inits },
      nodes: [...this.nodes],
    };
  }
}
