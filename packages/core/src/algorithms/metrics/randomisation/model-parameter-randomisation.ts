/**
 * Model-parameter randomisation test (Adebayo et al. 2018, "Sanity checks for saliency maps",
 * §3.1; Quantus `ModelParameterRandomisation` / `MPRT`). An explanation that explains the MODEL
 * must change when the model's learned weights are replaced by random ones. For each step s the
 * weights of some layers are re-initialised, the explainer is re-run on the randomised model for
 * the ORIGINAL targets, and each example's new map m_s is compared with its original map m:
 *
 *   curve y_s = sim(m, m_s),    score = (1/S) Σ_s y_s        (lower is better)
 *
 * with sim = Spearman rank correlation (default), Pearson or SSIM (`_utils/map-similarity.ts`) of
 * |maps| (`abs`, default true: Adebayo's absolute-value maps) divided by their max (`normalise`,
 * default true). Modes:
 *   - `cascading` (default): step s randomises the top s layers (output side first, then down to
 *     the input): S = L steps, the last one a fully random network;
 *   - `independent`: step s randomises only the s-th layer from the top.
 *
 * Which layers: the graph nodes with a weight initializer, in graph (topological) order — Conv and
 * ConvTranspose (input 1), Gemm (input 1, else input 0) and MatMul (input 1, else input 0) when
 * that input is an initializer. Normalisation layers (BatchNormalization, LayerNormalization) and
 * constant operands of element-wise ops are left alone (Adebayo randomise the conv / dense
 * weights; Quantus' torch path resets whatever has `reset_parameters`, which includes norms).
 *
 * Re-initialisation (seeded: layer k draws from `createRng(seed).derive(k)`, so a layer gets the
 * same random weights in both modes and at every step):
 *   - `init: 'normal'` (default): i.i.d. N(0, σ²) with σ the population standard deviation of
 *     that layer's own trained weights (same scale, no trained structure; where σ = 0 Glorot is
 *     used). Adebayo re-initialise with the layer's initializer (a truncated normal in their
 *     Inception model); the layer's own scale keeps activations from vanishing or exploding
 *     without knowing the training framework's initializer.
 *   - `init: 'glorot'`: Glorot uniform U(−l, l), l = √(6 / (fan_in + fan_out)) (Keras' default).
 *   Biases (the node's last initializer input: Conv input 2, Gemm input 2) are set to 0, the Keras
 *   default bias initializer; a MatMul's bias lives in a separate Add and is kept.
 *
 * Differences from Quantus: Quantus' TensorFlow path permutes the trained weights instead of
 * drawing new ones, and scores each layer separately without a mean; here the mean over steps is
 * the per-example score and the per-layer values are the curve. The explainer sees a model built
 * by `input.rebuild(graph)` (the same adapter as `model`); every such model is disposed.
 *
 * `details`: `layers` (names, in the order randomised), the options used and, with `keepMaps`,
 * `maps` (each step's re-explained maps, [N, ...inputShape] per step, for Adebayo's figure:
 * @glasswing/viz `randomisationStrip`).
 *
 * Progress counts re-explanations (one per step) and the forward pass that fixes the target when
 * none is given.
 * `perturbationsPerEval` does not apply: the model calls are the explainer's own (it batches them);
 * `signal` is checked between steps and passed to the explainer.
 */
import type { Graph, GraphNode } from '../../../ir/graph.js';
import type { Tensor } from '../../../tensor.js';
import { sizeOf } from '../../../tensor.js';
import { CapabilityError, InvalidArgumentError, UnknownLayerError } from '../../../errors.js';
import { createRng, type Rng } from '../../../random/prng.js';
import { metricSpec, meanOf, type MetricInput, type MetricOptions, type MetricResult } from '../../_utils/metric-spec.js';
import { checkMaps } from '../../_utils/metric-maps.js';
import { boolOption, compareRows, comparisonOf, fixedTarget, seedOption, throwIfAbortedReason } from '../../_utils/randomisation-common.js';

export type RandomisationMode = 'cascading' | 'independent';
export type RandomInit = 'normal' | 'glorot';

export interface ModelParameterRandomisationOptions extends MetricOptions {
  readonly mode?: RandomisationMode;
  readonly similarity?: 'spearman' | 'pearson' | 'ssim';
  readonly abs?: boolean;
  readonly normalise?: boolean;
  readonly init?: RandomInit;
  /** Image layout for SSIM when the input shape does not say (default: the graph's, else guessed). */
  readonly layout?: 'NHWC' | 'NCHW';
  /**
   * Only these layers (names of weight nodes; an array or a comma-separated string), still top
   * first. Default: every weight layer. Each step rebuilds the model, so large models may want few.
   */
  readonly layers?: string | readonly string[];
  /** Keep each step's maps ([N, ...inputShape] per step) in `details.maps`, for pictures (default false). */
  readonly keepMaps?: boolean;
}

/** A layer whose weights the test re-initialises. */
export interface RandomisableLayer {
  /** The node's name. */
  readonly name: string;
  readonly op: string;
  /** Index of the node in `graph.nodes`. */
  readonly index: number;
  /** The initializer holding the weights. */
  readonly weight: string;
  /** The initializer holding the bias, if any. */
  readonly bias?: string;
}

const WEIGHT_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** The layers with weight initializers, in graph order (see the header). */
export function randomisableLayers(graph: Graph): RandomisableLayer[] {
  const isInit = (t: string | undefined): t is string => t !== undefined && t !== '' && graph.initializers[t] !== undefined;
  const out: RandomisableLayer[] = [];
  graph.nodes.forEach((node: GraphNode, index) => {
    if (!WEIGHT_OPS.has(node.op)) return;
    const [a, b, c] = node.inputs;
    let weight: string | undefined;
    if (isInit(b)) weight = b;
    else if ((node.op === 'Gemm' || node.op === 'MatMul') && isInit(a)) weight = a;
    if (weight === undefined) return;
    const bias = node.op !== 'MatMul' && isInit(c) ? c : undefined;
    out.push({ name: node.name, op: node.op, index, weight, ...(bias ? { bias } : {}) });
  });
  return out;
}

/** fan_in + fan_out of a weight tensor of `layer` (Conv: OIHW, or HWIO with layout NHWC). */
function fanSum(graph: Graph, layer: RandomisableLayer, shape: readonly number[]): number {
  const size = sizeOf(shape);
  if (shape.length <= 2) return shape.reduce((a, b) => a + b, 0) || 1;
  const nhwc = graph.nodes[layer.index]!.attrs['layout'] === 'NHWC';
  // [out, in, ...k] for NCHW Conv; [...k, in, out] for NHWC Conv; ConvTranspose swaps in and out (same sum).
  const d0 = nhwc ? shape[shape.length - 2]! : shape[0]!;
  const d1 = nhwc ? shape[shape.length - 1]! : shape[1]!;
  const receptive = size / (d0 * d1);
  return receptive * (d0 + d1);
}

/** Freshly drawn weights for `layer` (see the header for `init`). */
export function randomWeights(graph: Graph, layer: RandomisableLayer, init: RandomInit, rng: Rng): Tensor {
  const w = graph.initializers[layer.weight]!;
  const n = w.data.length;
  let sigma = 0;
  if (init === 'normal') {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += w.data[i]!;
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (w.data[i]! - mean) ** 2;
    sigma = Math.sqrt(ss / n);
  }
  const data = new Float32Array(n);
  if (sigma > 0) {
    for (let i = 0; i < n; i++) data[i] = sigma * rng.normal();
  } else {
    const limit = Math.sqrt(6 / fanSum(graph, layer, w.shape));
    for (let i = 0; i < n; i++) data[i] = (2 * rng.uniform() - 1) * limit;
  }
  return { shape: [...w.shape], data };
}

/** `graph` with the weights of `layers` replaced by `weights` (same order) and their biases zeroed. */
export function randomisedGraph(graph: Graph, layers: readonly RandomisableLayer[], weights: readonly Tensor[]): Graph {
  const initializers: Record<string, Tensor> = { ...graph.initializers };
  layers.forEach((layer, k) => {
    initializers[layer.weight] = weights[k]!;
    if (layer.bias) {
      const b = graph.initializers[layer.bias]!;
      initializers[layer.bias] = { shape: [...b.shape], data: new Float32Array(b.data.length) };
    }
  });
  return { ...graph, initializers };
}

function checkChoice<T extends string>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got ${String(value)}`);
}

/** The layers named by the `layers` option (all when absent), in graph order. */
function selectLayers(all: readonly RandomisableLayer[], names: unknown): RandomisableLayer[] {
  if (names === undefined || names === '') return [...all];
  const list = typeof names === 'string' ? names.split(',').map((v) => v.trim()).filter((v) => v !== '') : Array.isArray(names) ? (names as unknown[]) : undefined;
  if (!list || list.length === 0 || list.some((v) => typeof v !== 'string')) throw new InvalidArgumentError('layers must be layer names (an array or a comma-separated string)');
  const known = all.map((l) => l.name);
  for (const name of list as string[]) {
    if (!known.includes(name)) throw new UnknownLayerError(name, known, `layers: '${name}' is not a layer with weights; weight layers: ${known.join(', ')}`);
  }
  return all.filter((l) => (list as string[]).includes(l.name));
}

/** The model-parameter randomisation test of `input.attributions` (see the header). */
export async function modelParameterRandomisation(input: MetricInput, options: ModelParameterRandomisationOptions = {}): Promise<MetricResult> {
  const { model, x, attributions } = input;
  const { n, size } = checkMaps(model, x, attributions);
  const graph = model.graph;
  if (!graph) throw new CapabilityError(`model-parameter randomisation re-initialises layers of the model's graph; this ${model.backend} model has no graph (use a graph-backed adapter)`);
  if (!input.rebuild) throw new InvalidArgumentError('model-parameter randomisation needs rebuild (a model of the same adapter from a changed graph)');
  if (!input.explain) throw new InvalidArgumentError('model-parameter randomisation needs explain (the method re-run on each randomised model)');
  const opts = options as ModelParameterRandomisationOptions & Readonly<Record<string, unknown>>;
  const mode = checkChoice<RandomisationMode>(opts.mode, 'mode', ['cascading', 'independent'], 'cascading');
  const init = checkChoice<RandomInit>(opts.init, 'init', ['normal', 'glorot'], 'normal');
  const cmp = comparisonOf(model, opts, { similarity: 'spearman', abs: true, normalise: true });
  const seed = seedOption(opts.seed);
  const keepMaps = boolOption(opts.keepMaps, 'keepMaps', false);
  const all = randomisableLayers(graph);
  if (all.length === 0) throw new InvalidArgumentError(`the model's graph has no layer with weight initializers (Conv, ConvTranspose, Gemm, MatMul) to randomise`);
  const layers = selectLayers(all, opts.layers);
  const { signal, onProgress } = options;
  throwIfAbortedReason(signal);

  // Top layer first.
  const order = [...layers].reverse();
  const root = createRng(seed);
  const weights = order.map((layer) => randomWeights(graph, layer, init, root.derive(layer.index)));
  const { target, forwards } = await fixedTarget(model, x, input.target, signal);
  const total = forwards + order.length;
  let done = forwards;
  if (forwards > 0) onProgress?.({ done, total });

  const y: number[][] = Array.from({ length: n }, () => []);
  const kept: Tensor[] = [];
  for (let s = 0; s < order.length; s++) {
    throwIfAbortedReason(signal);
    const chosen = mode === 'cascading' ? order.slice(0, s + 1) : [order[s]!];
    const chosenWeights = mode === 'cascading' ? weights.slice(0, s + 1) : [weights[s]!];
    const randomModel = await input.rebuild(randomisedGraph(graph, chosen, chosenWeights));
    let maps: Tensor;
    try {
      maps = await input.explain(randomModel, x, { target, ...(signal ? { signal } : {}) });
    } finally {
      await randomModel.dispose();
    }
    compareRows(attributions, maps, n, size, cmp).forEach((v, i) => y[i]!.push(v));
    if (keepMaps) kept.push(maps);
    onProgress?.({ done: ++done, total });
  }
  const scores = y.map((row) => meanOf(row));
  return {
    metric: 'model-parameter-randomisation',
    scores,
    mean: meanOf(scores),
    higherIsBetter: false,
    curves: [
      {
        label: `${cmp.measure} similarity to the original map (${mode})`,
        xLabel: mode === 'cascading' ? 'layers randomised (from the top)' : 'layer randomised (from the top)',
        x: order.map((_, s) => s + 1),
        xNames: order.map((l) => l.name),
        y,
      },
    ],
    details: {
      layers: order.map((l) => l.name),
      mode,
      similarity: cmp.measure,
      abs: cmp.abs,
      normalise: cmp.normalise,
      init,
      seed,
      ...(keepMaps ? { maps: kept } : {}),
    },
  };
}

/** METRICS entry. */
export const modelParameterRandomisationMetric = metricSpec({
  id: 'model-parameter-randomisation',
  title: 'Model-parameter randomisation (cascading)',
  family: 'randomisation',
  higherIsBetter: false,
  needs: { explain: true, rebuild: true },
  defaults: { mode: 'cascading', similarity: 'spearman', abs: true, normalise: true, init: 'normal', layers: '', keepMaps: false, seed: 0 },
  source: 'Adebayo et al. 2018 (Sanity checks for saliency maps, §3.1); Quantus ModelParameterRandomisation',
  run: (input, options) => modelParameterRandomisation(input, options ?? {}),
});
