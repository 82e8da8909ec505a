/**
 * Small random IR graphs and inputs for the property tests (properties.test.ts and the cli
 * package's adapter-properties test). Everything is drawn from core's seeded PRNG from a seed
 * that fast-check picks, so a counterexample is reproduced by its seed and shape alone.
 *
 * - `mlp`: d → h (act) → [h2 (act) →] k, Gemm layers with optional biases.
 * - `conv`: [c, s, s] → Conv 3×3 pad 1 (f filters) → act → [2×2 Max/AveragePool →] Flatten → Gemm k.
 */
import fc from 'fast-check';
import type { Graph, GraphNode } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';
import { createRng, type Rng } from '../../random/prng.js';
import { createReferenceModel } from '../../reference-model.js';
import type { Model } from '../../model.js';

export type Act = 'Relu' | 'Tanh';

export interface MlpSpec {
  readonly kind: 'mlp';
  readonly seed: number;
  readonly d: number;
  readonly hidden: readonly number[];
  readonly k: number;
  readonly act: Act;
  readonly bias: boolean;
}

export interface ConvSpec {
  readonly kind: 'conv';
  readonly seed: number;
  readonly c: number;
  readonly s: number;
  readonly filters: number;
  readonly k: number;
  readonly act: Act;
  readonly bias: boolean;
  /** 2×2 pooling (stride 2) after the activation. */
  readonly pool: 'none' | 'MaxPool' | 'AveragePool';
}

export type GraphSpec = MlpSpec | ConvSpec;

function normals(r: Rng, n: number, scale: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * r.normal();
  return out;
}

/** Input shape (without the batch axis) of a spec. */
export function inputShapeOf(spec: GraphSpec): number[] {
  return spec.kind === 'mlp' ? [spec.d] : [spec.c, spec.s, spec.s];
}

/** Input values per example. */
export function inputSize(spec: GraphSpec): number {
  return inputShapeOf(spec).reduce((a, b) => a * b, 1);
}

/** The graph of a spec; weights N(0, 1/√fan-in), biases N(0, 0.3²) when `bias`. */
export function buildGraph(spec: GraphSpec): Graph {
  const r = createRng(spec.seed);
  const nodes: GraphNode[] = [];
  const init: Record<string, Tensor> = {};
  const gemm = (name: string, input: string, fanIn: number, out: number): string => {
    init[`${name}.w`] = { shape: [out, fanIn], data: normals(r, out * fanIn, 1 / Math.sqrt(fanIn)) };
    const inputs = [input, `${name}.w`];
    if (spec.bias) {
      init[`${name}.b`] = { shape: [out], data: normals(r, out, 0.3) };
      inputs.push(`${name}.b`);
    }
    nodes.push({ name, op: 'Gemm', inputs, outputs: [name], attrs: { transB: 1 } });
    return name;
  };
  const act = (name: string, input: string): string => {
    nodes.push({ name, op: spec.act, inputs: [input], outputs: [name], attrs: {} });
    return name;
  };
  let cur = 'x';
  if (spec.kind === 'mlp') {
    let fanIn = spec.d;
    spec.hidden.forEach((h, i) => {
      cur = act(`act${i}`, gemm(`fc${i}`, cur, fanIn, h));
      fanIn = h;
    });
    cur = gemm('out', cur, fanIn, spec.k);
  } else {
    init['conv.w'] = { shape: [spec.filters, spec.c, 3, 3], data: normals(r, spec.filters * spec.c * 9, 1 / Math.sqrt(9 * spec.c)) };
    const inputs = [cur, 'conv.w'];
    if (spec.bias) {
      init['conv.b'] = { shape: [spec.filters], data: normals(r, spec.filters, 0.3) };
      inputs.push('conv.b');
    }
    nodes.push({ name: 'conv', op: 'Conv', inputs, outputs: ['conv'], attrs: { pads: [1, 1, 1, 1], kernel_shape: [3, 3] } });
    cur = act('act', 'conv');
    let side = spec.s;
    if (spec.pool !== 'none') {
      nodes.push({ name: 'pool', op: spec.pool, inputs: [cur], outputs: ['pool'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } });
      cur = 'pool';
      side = Math.floor(side / 2);
    }
    nodes.push({ name: 'flat', op: 'Flatten', inputs: [cur], outputs: ['flat'], attrs: { axis: 1 } });
    cur = gemm('out', 'flat', spec.filters * side * side, spec.k);
  }
  return { name: `prop-${spec.kind}-${spec.seed}`, inputs: [{ name: 'x', shape: [-1, ...inputShapeOf(spec)] }], outputs: [cur], initializers: init, nodes };
}

/** The spec's graph on the reference executor. */
export function model(spec: GraphSpec): Model {
  return createReferenceModel(buildGraph(spec));
}

/** A target class index per example, drawn from `seed`. */
export function targetsFor(spec: GraphSpec, n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => (seed + 7 * i) % spec.k);
}

/** N examples with entries uniform in [lo, hi), from `seed`. */
export function uniformBatch(spec: GraphSpec, n: number, seed: number, lo = -1, hi = 1): Tensor {
  const r = createRng(seed);
  const per = inputSize(spec);
  const data = new Float32Array(n * per);
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * r.uniform();
  return { shape: [n, ...inputShapeOf(spec)], data };
}

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });

/** MLP specs: d 2–6, one or two hidden layers of 2–6 units, 2–3 outputs. */
export function mlpArb(o: { act?: Act; bias?: boolean; dMax?: number } = {}): fc.Arbitrary<MlpSpec> {
  return fc.record({
    kind: fc.constant('mlp' as const),
    seed: seedArb,
    d: fc.integer({ min: 2, max: o.dMax ?? 6 }),
    hidden: fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 1, maxLength: 2 }),
    k: fc.integer({ min: 2, max: 3 }),
    act: o.act ? fc.constant(o.act) : fc.constantFrom<Act>('Relu', 'Tanh'),
    bias: o.bias !== undefined ? fc.constant(o.bias) : fc.boolean(),
  });
}

/** Tiny conv specs: 1–2 channels, 3×3–4×4 images, 1–3 filters, optional pooling, 2–3 outputs. */
export function convArb(o: { act?: Act; bias?: boolean; smooth?: boolean } = {}): fc.Arbitrary<ConvSpec> {
  return fc.record({
    kind: fc.constant('conv' as const),
    seed: seedArb,
    c: fc.integer({ min: 1, max: 2 }),
    s: fc.integer({ min: 3, max: 4 }),
    filters: fc.integer({ min: 1, max: 3 }),
    k: fc.integer({ min: 2, max: 3 }),
    act: o.act ? fc.constant(o.act) : fc.constantFrom<Act>('Relu', 'Tanh'),
    bias: o.bias !== undefined ? fc.constant(o.bias) : fc.boolean(),
    // smooth: no MaxPool (its argmax switches make a tanh net non-smooth along a path)
    pool: o.smooth ? fc.constantFrom('none' as const, 'AveragePool' as const) : fc.constantFrom('none' as const, 'MaxPool' as const, 'AveragePool' as const),
  });
}

/** MLP or conv. */
export function graphArb(o: { act?: Act; bias?: boolean; smooth?: boolean } = {}): fc.Arbitrary<GraphSpec> {
  return fc.oneof(mlpArb(o), convArb(o));
}

/**
 * fast-check parameters: a fixed seed (CI reproduces every run) unless FC_SEED is set, and
 * `runs` runs unless FC_RUNS is set (explore with e.g. FC_SEED=$RANDOM FC_RUNS=500).
 */
export function fcParams(runs: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  const envSeed = process.env.FC_SEED;
  const envRuns = process.env.FC_RUNS;
  return {
    seed: envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20261207,
    numRuns: envRuns !== undefined && envRuns !== '' ? Number(envRuns) : runs,
    endOnFailure: false,
  };
}
