/**
 * Test support for aborting inside one model call (issue 16): a deep MLP graph whose single
 * gradient call is slow on a synchronous backend, and a probe that runs the call plainly, with
 * an un-aborted signal, aborted by a timer, and again afterwards, counting the backend's work.
 */
import type { Graph, GraphNode } from '../ir/graph.js';
import type { GradientRequest, GradientResult, Model } from '../model.js';
import { createRng } from '../random/prng.js';
import type { Tensor } from '../tensor.js';

export interface DeepMlpOptions {
  /** Hidden Gemm + Relu layers (default 40). */
  readonly depth?: number;
  /** Width of every hidden layer and of the input (default 256). */
  readonly width?: number;
  /** Outputs (default 4). */
  readonly outputs?: number;
  readonly seed?: number;
}

/**
 * x [-1, width] → depth × (Gemm width→width, Relu) → Gemm width→outputs. Weights uniform in
 * ±sqrt(3 / width) (variance-preserving), so activations stay O(1) at any depth.
 */
export function deepMlpGraph(options: DeepMlpOptions = {}): Graph {
  const depth = options.depth ?? 40;
  const width = options.width ?? 256;
  const outputs = options.outputs ?? 4;
  const rng = createRng(options.seed ?? 16);
  const a = Math.sqrt(3 / width);
  const uniform = (shape: number[]): Tensor => {
    const data = new Float32Array(shape.reduce((p, d) => p * d, 1));
    for (let i = 0; i < data.length; i++) data[i] = (2 * rng.uniform() - 1) * a;
    return { shape, data };
  };
  const initializers: Record<string, Tensor> = {};
  const nodes: GraphNode[] = [];
  let h = 'x';
  for (let l = 0; l < depth; l++) {
    initializers[`w${l}`] = uniform([width, width]);
    initializers[`b${l}`] = uniform([width]);
    nodes.push({ name: `dense${l}`, op: 'Gemm', inputs: [h, `w${l}`, `b${l}`], outputs: [`d${l}`], attrs: { transB: 1 } });
    nodes.push({ name: `relu${l}`, op: 'Relu', inputs: [`d${l}`], outputs: [`r${l}`], attrs: {} });
    h = `r${l}`;
  }
  initializers['wo'] = uniform([outputs, width]);
  nodes.push({ name: 'logits', op: 'Gemm', inputs: [h, 'wo'], outputs: ['y'], attrs: { transB: 1 } });
  return { name: `deep-mlp-${depth}x${width}`, inputs: [{ name: 'x', shape: [-1, width] }], outputs: ['y'], initializers, nodes };
}

export interface AbortInsideCallReport {
  /** The call without a signal, with an un-aborted signal, and after the aborted one. */
  readonly plain: GradientResult;
  readonly withSignal: GradientResult;
  readonly after: GradientResult;
  /** What the aborted call rejected with (undefined when it resolved). */
  readonly error: unknown;
  /** Backend work (the `work` counter's increase) of a whole call and of the aborted one. */
  readonly fullWork: number;
  readonly abortedWork: number;
  /** Wall time of the call with an un-aborted signal and of the aborted call, ms. */
  readonly fullMs: number;
  readonly abortedMs: number;
}

/**
 * Runs `model.gradient(x, request)` without a signal, with a signal never aborted, with a signal
 * aborted by a timer `abortAfterMs` after the call starts, and once more without a signal.
 * `work()` is a monotone counter of the backend's work (kernel launches, tensors created).
 */
export async function abortInsideCall(
  model: Model,
  x: Tensor,
  request: Omit<GradientRequest, 'signal'>,
  work: () => number,
  abortAfterMs = 20,
): Promise<AbortInsideCallReport> {
  const clock = (): number => globalThis.performance?.now() ?? Date.now();
  const plain = await model.gradient(x, request);
  let w0 = work();
  let t0 = clock();
  const withSignal = await model.gradient(x, { ...request, signal: new AbortController().signal });
  const fullMs = clock() - t0;
  const fullWork = work() - w0;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), abortAfterMs);
  let error: unknown;
  w0 = work();
  t0 = clock();
  try {
    await model.gradient(x, { ...request, signal: ctrl.signal });
  } catch (e) {
    error = e;
  }
  const abortedMs = clock() - t0;
  const abortedWork = work() - w0;
  clearTimeout(timer);
  const after = await model.gradient(x, request);
  return { plain, withSignal, after, error, fullWork, abortedWork, fullMs, abortedMs };
}

/** Whether two gradient results are equal bit for bit (outputs, input gradients, layer taps). */
export function sameGradientBits(a: GradientResult, b: GradientResult): boolean {
  const same = (p: Tensor, q: Tensor): boolean =>
    p.shape.join() === q.shape.join() && p.data.length === q.data.length && p.data.every((v, i) => Object.is(v, q.data[i]));
  const names = Object.keys(a.layers);
  return (
    same(a.outputs, b.outputs) &&
    same(a.inputGradient, b.inputGradient) &&
    names.length === Object.keys(b.layers).length &&
    names.every((n) => b.layers[n] !== undefined && same(a.layers[n]!.activation, b.layers[n]!.activation) && same(a.layers[n]!.gradient, b.layers[n]!.gradient))
  );
}
