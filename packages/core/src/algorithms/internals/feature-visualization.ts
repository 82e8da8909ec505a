/**
 * Feature visualization by activation maximisation (Olah et al., "Feature Visualization",
 * Distill 2017; lucid / lucent semantics): find inputs that maximise an objective on a model's
 * layer activations, by Adam over an image parametrization, through random transformations,
 * minus regularizers:
 *
 *   maximise  Σ objective(a(T_step(image(θ))))  −  Σ penalties(image(θ))
 *
 * - objectives (fv-objectives.ts): neuron, channel, layer (DeepDream), direction, diversity,
 *   sums / scales, per-batch-image; data, so they travel as JSON;
 * - parametrizations (fv-image.ts): pixel or Fourier (fft_image) with colour decorrelation, into a
 *   box [lo, hi] by a sigmoid or by projection (clip): image models (NCHW or NHWC) and 1-D /
 *   tabular inputs (pixel only, per-feature boxes);
 * - transforms and penalties (fv-transforms.ts): pad, jitter, scale, rotate; L1, L2, TV, blur.
 *
 * Input gradients of the objective come from ONE gradient call per step on a canonized graph
 * (layer-seed.ts): the objective's activation gradient is passed as an override and the
 * backend back-propagates it to the input — so it runs on every IR-backed adapter. Objectives
 * that are not linear in the activations (layer, diversity) take an activations call first.
 * Everything else (parametrization, transforms, penalties, Adam) is host code in float64 with
 * float32 parameters: seeded (xoshiro128**, one derived stream per step) and bit-reproducible.
 *
 * Model calls: steps × (1 linear / 2 otherwise) + 1 (the final, untransformed evaluation).
 * `onProgress` counts them; `signal` is checked before and after each.
 */
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../errors.js';
import type { Layout } from '../../ir/graph.js';
import type { Model } from '../../model.js';
import { createRng } from '../../random/prng.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { Adam } from '../_utils/adam.js';
import { ModelCaller, requireGradients } from '../_utils/common.js';
import { requireGraph, requireLayers, requireRules } from '../_utils/requests.js';
import type { Progress } from '../_utils/types.js';
import { ImageParam, type ImageGeometry, type ImageParamSpec } from './fv-image.js';
import { compileObjective, evaluateObjective, layoutAt, type Objective } from './fv-objectives.js';
import { applyPenalties, checkPenalties, checkTransforms, drawAffine, sample, sampleAdjoint, type Affine, type Penalty, type Transform } from './fv-transforms.js';
import { layerSeedCanonizer } from './layer-seed.js';

/** Box bounds: one pair for every element, or per element of one example (model layout). */
export type Box = readonly [number, number] | { readonly lo: number | ArrayLike<number>; readonly hi: number | ArrayLike<number> };

export interface FeatureVisualizationOptions {
  readonly objective: Objective;
  /** Images optimised together (default: what the objective's `batch` terms need, else 1). */
  readonly batch?: number;
  /** Optimisation steps (default 256). */
  readonly steps?: number;
  /** Adam step size (default 0.05). */
  readonly lr?: number;
  readonly seed?: number;
  /** Parametrization (default: fft for images, pixel for 1-D inputs). */
  readonly param?: ImageParamSpec;
  /** Box of valid inputs (default [0, 1]). */
  readonly range?: Box;
  /** Random transformations per step (default none; `standardTransforms(size)` is lucent's). */
  readonly transforms?: readonly Transform[];
  readonly penalties?: readonly Penalty[];
  /** Layout of rank-3 inputs (default: the graph's, see `inputLayout`). */
  readonly layout?: Layout;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface FeatureVisualizationResult {
  /** The optimised inputs [B, ...inputShape] (model layout, without transforms). */
  readonly images: Tensor;
  /** Objective (without penalties) at `images`. */
  readonly objective: number;
  /** Per image: the objective's separable terms (all but diversity) at `images`. */
  readonly perImage: Float32Array;
  /** Per step: objective − penalties at that step's transformed inputs. */
  readonly history: Float32Array;
  /** Layers the objective reads (tappable names). */
  readonly layers: readonly string[];
  readonly param: 'pixel' | 'fft';
  readonly steps: number;
  readonly seed: number;
  readonly modelCalls: number;
}

/** The layout of a model's rank-3 input: its first spatial op's (NCHW when none). */
export function inputLayout(model: Model): Layout {
  const g = model.graph;
  const first = g?.nodes.find((n) => n.inputs.includes(g.inputs[0]!.name));
  return g && first ? layoutAt(g, first.name) : 'NCHW';
}

/** Geometry of one input and the flat model-layout index of (b, c, y, x). */
export function inputGeometry(shape: readonly number[], layout: Layout, batch: number): { geo: ImageGeometry; index: (b: number, c: number, y: number, x: number) => number } {
  const per = sizeOf(shape);
  if (shape.length === 1) return { geo: { b: batch, c: 1, h: 1, w: shape[0]! }, index: (b, _c, _y, x) => b * per + x };
  if (shape.length === 2) return { geo: { b: batch, c: 1, h: shape[0]!, w: shape[1]! }, index: (b, _c, y, x) => b * per + y * shape[1]! + x };
  if (shape.length !== 3) throw new ShapeError(`feature visualization needs inputs of rank 1 to 3 per example; the model's is [${shape.join(', ')}]`);
  if (layout === 'NHWC') {
    const [h, w, c] = shape as [number, number, number];
    return { geo: { b: batch, c, h, w }, index: (b, k, y, x) => b * per + (y * w + x) * c + k };
  }
  const [c, h, w] = shape as [number, number, number];
  return { geo: { b: batch, c, h, w }, index: (b, k, y, x) => b * per + (k * h + y) * w + x };
}

function boxOf(range: Box | undefined, geo: ImageGeometry, index: (b: number, c: number, y: number, x: number) => number): { lo: Float64Array; hi: Float64Array } {
  const per = geo.c * geo.h * geo.w;
  const lo = new Float64Array(per);
  const hi = new Float64Array(per);
  const r = range ?? [0, 1];
  const read = (v: unknown, what: string): ((i: number) => number) => {
    if (typeof v === 'number') return () => v;
    if (v && typeof (v as ArrayLike<number>).length === 'number' && (v as ArrayLike<number>).length === per) return (i) => Number((v as ArrayLike<number>)[i]);
    throw new InvalidArgumentError(`range ${what} must be a number or ${per} numbers (one example, model layout)`);
  };
  const [l, h] = Array.isArray(r) ? [read(r[0], 'lo'), read(r[1], 'hi')] : [read((r as { lo: unknown }).lo, 'lo'), read((r as { hi: unknown }).hi, 'hi')];
  for (let c = 0; c < geo.c; c++) for (let y = 0; y < geo.h; y++) for (let x = 0; x < geo.w; x++) {
    const p = (c * geo.h + y) * geo.w + x;
    const m = index(0, c, y, x);
    lo[p] = l(m);
    hi[p] = h(m);
  }
  return { lo, hi };
}

function positiveInt(v: unknown, name: string, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

export class FeatureVisualization {
  readonly id = 'feature-visualization';
  constructor(readonly model: Model) {}

  /** Validates everything (typed errors), then optimises. */
  async visualize(options: FeatureVisualizationOptions): Promise<FeatureVisualizationResult> {
    const model = this.model;
    if (!options || typeof options !== 'object') throw new InvalidArgumentError('feature visualization needs an options object with an objective');
    requireGradients(model, this.id);
    requireLayers(model, this.id);
    requireRules(model, this.id);
    const graph = requireGraph(model, this.id);
    const compiled = compileObjective(model, graph, options.objective, this.id);
    const batch = positiveInt(options.batch, 'batch', compiled.minBatch);
    if (batch < compiled.minBatch) throw new InvalidArgumentError(`the objective addresses batch image ${compiled.minBatch - 1}, but batch is ${batch}`);
    const steps = positiveInt(options.steps, 'steps', 256, 0);
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${seed}`);
    const transforms = checkTransforms(options.transforms);
    const penalties = checkPenalties(options.penalties);
    const layout = options.layout ?? inputLayout(model);
    if (layout !== 'NCHW' && layout !== 'NHWC') throw new InvalidArgumentError(`layout must be 'NCHW' or 'NHWC', got ${String(layout)}`);
    const { geo, index } = inputGeometry(model.inputShape, layout, batch);
    if (geo.h === 1 && transforms.length > 0) throw new InvalidArgumentError('transforms need image inputs; this model takes 1-D inputs');
    const { lo, hi } = boxOf(options.range, geo, index);
    const rng = createRng(seed);
    const param = new ImageParam(geo, options.param ?? {}, lo, hi, rng.derive(1));
    const adam = new Adam(param.params.length, options.lr === undefined ? {} : { lr: options.lr });
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    return run({ model, ctx, compiled, batch, steps, seed, transforms, penalties, geo, index, lo, hi, param, adam, rng: rng.derive(2) });
  }
}

interface RunState {
  readonly model: Model;
  readonly ctx: ModelCaller;
  readonly compiled: ReturnType<typeof compileObjective>;
  readonly batch: number;
  readonly steps: number;
  readonly seed: number;
  readonly transforms: readonly Transform[];
  readonly penalties: readonly Penalty[];
  readonly geo: ImageGeometry;
  readonly index: (b: number, c: number, y: number, x: number) => number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly param: ImageParam;
  readonly adam: Adam;
  readonly rng: ReturnType<typeof createRng>;
}

/** The optimisation loop (pure given the model: no option handling). */
async function run(s: RunState): Promise<FeatureVisualizationResult> {
  const { model, ctx, compiled, batch, geo, index, param } = s;
  const names = [...compiled.layers.keys()];
  const tapped = [...new Set(names.map((n) => compiled.layers.get(n)!.name))];
  const { canonizer, seedNodes } = layerSeedCanonizer(model.graph!, tapped, model.outputShape.length);
  const inShape = [batch, ...model.inputShape];
  const outH = geo.h;
  const outW = geo.w;
  let fill = 0;
  for (let i = 0; i < s.lo.length; i++) fill += (s.lo[i]! + s.hi[i]!) / 2 / s.lo.length;
  for (const t of s.transforms) if (t.kind === 'pad' && t.value !== undefined) fill = t.value;
  const identity: Affine[] = new Array<Affine>(batch).fill({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 });
  const toInput = (img: Float64Array, maps: readonly Affine[]): Tensor => {
    const data = new Float32Array(sizeOf(inShape));
    sample(img, geo, maps, fill, outH, outW, index, data);
    return { shape: inShape, data };
  };
  /** Activations by objective layer name, from tapped activations. */
  const byName = (taps: (l: string) => Tensor): Map<string, ArrayLike<number>> => new Map(names.map((n) => [n, taps(compiled.layers.get(n)!.name).data]));
  ctx.plan(s.steps * (compiled.linear ? 1 : 2) + 1);
  const history = new Float32Array(s.steps);
  const seed = { kind: 'index' as const, indices: new Array<number>(batch).fill(0) };
  for (let step = 0; step < s.steps; step++) {
    throwIfAborted(ctx.signal);
    const img = param.render();
    const stream = s.rng.derive(step);
    const maps = s.transforms.length === 0 ? identity : Array.from({ length: batch }, () => drawAffine(s.transforms, geo.h, geo.w, outH, outW, stream));
    const x = toInput(img, maps);
    let value = compiled.linear ? undefined : evaluateObjective(compiled, byName(await activationsOf(ctx, x, tapped)), batch);
    const grads = (value ?? evaluateObjective(compiled, undefined, batch)).grads;
    const overrides: Record<string, Tensor> = {};
    for (const layer of tapped) {
      const info = [...compiled.layers.values()].find((i) => i.name === layer)!;
      const g = new Float32Array(batch * info.size);
      for (const n of names) if (compiled.layers.get(n)!.name === layer) grads.get(n)!.forEach((v, k) => (g[k] += v));
      overrides[seedNodes.get(layer)!] = { shape: [batch, ...info.shape], data: g };
    }
    const res = await ctx.request(x, { seed, canonizers: [canonizer], overrides, ...(compiled.linear ? { layers: tapped } : {}) });
    if (!value) value = evaluateObjective(compiled, byName((l) => res.layers[l]!.activation), batch);
    // loss = −objective + penalties
    const gImg = sampleAdjoint(res.inputGradient.data, geo, maps, outH, outW, index);
    for (let i = 0; i < gImg.length; i++) gImg[i] = -gImg[i]!;
    const pen = new Float64Array(batch);
    applyPenalties(img, geo, s.penalties, gImg, pen);
    history[step] = value.total - pen.reduce((a, b) => a + b, 0);
    s.adam.step(param.params, param.backward(gImg));
    param.project();
  }
  const img = param.render();
  const images = toInput(img, identity);
  const final = evaluateObjective(compiled, byName(await activationsOf(ctx, images, tapped)), batch);
  return {
    images,
    objective: final.total,
    perImage: Float32Array.from(final.perImage),
    history,
    layers: tapped,
    param: param.kind,
    steps: s.steps,
    seed: s.seed,
    modelCalls: ctx.modelCalls,
  };
}

async function activationsOf(ctx: ModelCaller, x: Tensor, layers: readonly string[]): Promise<(l: string) => Tensor> {
  const r = await ctx.activations(x, layers);
  return (l) => r.layers[l]!;
}

/** Functional form of `new FeatureVisualization(model).visualize(options)`. */
export function visualizeFeature(model: Model, options: FeatureVisualizationOptions): Promise<FeatureVisualizationResult> {
  return new FeatureVisualization(model).visualize(options);
}
