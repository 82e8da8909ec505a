/**
 * TracIn (Pruthi et al. 2020, "Estimating Training Data Influence by Tracing Gradient Descent"),
 * the TracIn-CP form restricted to the last layer: the influence of training example z on test
 * example z' is Σ_i η_i ⟨∇ℓ(w_i, z), ∇ℓ(w_i, z')⟩ over saved checkpoints w_i with learning
 * rates η_i (one checkpoint, η = 1, when none are given: the final model alone).
 *
 * Last-layer gradients in closed form: when the model ends in a dense layer (logits = W·a + b,
 * optionally followed by a softmax) and the loss is softmax cross-entropy, ∂ℓ/∂(W, b) =
 * (p − y) ⊗ [a, 1], so ⟨∇ℓ(z), ∇ℓ(z')⟩ = (⟨a, a'⟩ + 1)·⟨p − y, p' − y'⟩. Only the penultimate
 * activations a (`model.activations`) and the outputs are needed: any adapter with layer taps
 * works, no training framework or gradient support is needed.
 *
 * Outputs: a model whose graph ends in Softmax gives probabilities p directly; otherwise the
 * outputs are logits and p = softmax(outputs). `outputs: 'auto'` (default) decides from the graph,
 * or for a model without a graph from the first batch (rows ≥ 0 summing to 1 → probabilities).
 *
 * Streaming: the training set is read batch by batch (one activations call per checkpoint and
 * batch); only the k proponents (largest scores) and k opponents (most negative scores) per test
 * example are kept. Self-influence Σ_i η_i ‖∇ℓ(w_i, z)‖² (high for mislabeled or atypical
 * examples) keeps one number per training example and the k largest. Deterministic: nothing is
 * sampled. Test labels default to the final model's predicted classes (explaining the prediction).
 */
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import type { Progress } from '../_utils/types.js';
import { ModelCaller, argmaxRows, validateInput } from '../_utils/common.js';
import {
  TopK,
  batchesOf,
  checkBatch,
  checkClassCount,
  checkK,
  checkLabels,
  chooseLayer,
  finiteOrThrow,
  knownRows,
  outputsAreProbabilities,
  probabilities,
  type InfluenceCommonOptions,
  type InfluenceDataset,
  type InfluenceEntry,
  type OutputKind,
} from './influence-common.js';

export interface TracInCheckpoint {
  readonly model: Model;
  /** The learning rate in effect after this checkpoint (η_i). */
  readonly learningRate: number;
}

export interface TracInOptions extends InfluenceCommonOptions {
  /** Saved checkpoints with learning rates (default: the model itself, η = 1). */
  readonly checkpoints?: readonly TracInCheckpoint[];
  /** How outputs are read (default 'auto'). */
  readonly outputs?: OutputKind;
  /** Test labels (default: the model's predicted classes). */
  readonly testLabels?: readonly number[];
}

export interface TracInTest {
  /** The label the test loss uses (given, or predicted). */
  readonly label: number;
  /** The model's predicted class. */
  readonly predicted: number;
  /** Largest positive scores first. */
  readonly proponents: readonly InfluenceEntry[];
  /** Most negative scores first. */
  readonly opponents: readonly InfluenceEntry[];
}

export interface TracInResult {
  readonly layer: string;
  readonly checkpoints: number;
  readonly tests: readonly TracInTest[];
  /** Training examples seen. */
  readonly seen: number;
  readonly modelCalls: number;
}

export interface SelfInfluenceResult {
  readonly layer: string;
  readonly checkpoints: number;
  /** The k largest self-influences, largest first. */
  readonly top: readonly InfluenceEntry[];
  /** Every training example's self-influence, in order. */
  readonly scores: Float64Array;
  readonly seen: number;
  readonly modelCalls: number;
}

/** Per example: penultimate activations a (n × d) and loss gradient at the logits e = p − y (n × c). */
export interface LastLayerFeatures {
  readonly a: Float64Array;
  readonly e: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly c: number;
}

/** (⟨a_i, a'_j⟩ + 1)·⟨e_i, e'_j⟩: the last-layer gradient inner product of example i of f and j of g. */
export function gradientDot(f: LastLayerFeatures, i: number, g: LastLayerFeatures, j: number): number {
  let aa = 1;
  for (let q = 0; q < f.d; q++) aa += f.a[i * f.d + q]! * g.a[j * g.d + q]!;
  let ee = 0;
  for (let q = 0; q < f.c; q++) ee += f.e[i * f.c + q]! * g.e[j * g.c + q]!;
  return aa * ee;
}

/** The explicit last-layer gradient ∂ℓ/∂W (c × d, row-major) then ∂ℓ/∂b (c) of example i. */
export function lastLayerGradient(f: LastLayerFeatures, i: number): Float64Array {
  const g = new Float64Array(f.c * (f.d + 1));
  for (let r = 0; r < f.c; r++) {
    for (let q = 0; q < f.d; q++) g[r * f.d + q] = f.e[i * f.c + r]! * f.a[i * f.d + q]!;
    g[f.c * f.d + r] = f.e[i * f.c + r]!;
  }
  return g;
}

interface Checkpoint {
  readonly model: Model;
  readonly lr: number;
  readonly layer: string;
  readonly softmax: boolean | undefined;
}

/** Features of a batch on one checkpoint; labels undefined → predicted classes. */
async function features(ctx: ModelCaller, cp: Checkpoint, x: Tensor, labels: readonly number[] | undefined, kind: OutputKind): Promise<LastLayerFeatures & { predicted: number[] }> {
  const res = await ctx.activations(x, [cp.layer]);
  const act = res.layers[cp.layer]!;
  const n = x.shape[0]!;
  const d = act.data.length / n;
  const c = res.outputs.data.length / n;
  const p = probabilities(res.outputs, outputsAreProbabilities(kind, cp.softmax, res.outputs));
  const predicted = argmaxRows(res.outputs);
  const y = labels ?? predicted;
  for (let r = 0; r < n; r++) p[r * c + y[r]!]! -= 1;
  const a = Float64Array.from(act.data);
  return { a, e: p, n, d, c, predicted };
}

function resolveCheckpoints(model: Model, options: TracInOptions | undefined, id: string): Checkpoint[] {
  const list = options?.checkpoints ?? [{ model, learningRate: 1 }];
  if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(`${id}: checkpoints must be a non-empty list of { model, learningRate }`);
  return list.map((cp, i) => {
    if (!cp || typeof cp !== 'object' || !cp.model) throw new InvalidArgumentError(`${id}: checkpoints[${i}] must be { model, learningRate }`);
    if (!(Number.isFinite(cp.learningRate) && cp.learningRate > 0)) throw new InvalidArgumentError(`${id}: checkpoints[${i}].learningRate must be a positive number, got ${String(cp.learningRate)}`);
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, j) => v === b[j]);
    if (!same(cp.model.inputShape, model.inputShape) || !same(cp.model.outputShape, model.outputShape)) {
      throw new InvalidArgumentError(`${id}: checkpoints[${i}] has input [${cp.model.inputShape.join(', ')}] → output [${cp.model.outputShape.join(', ')}], the model [${model.inputShape.join(', ')}] → [${model.outputShape.join(', ')}]`);
    }
    checkClassCount(cp.model, id);
    const { layer, softmax } = chooseLayer(cp.model, options?.layer, id);
    return { model: cp.model, lr: cp.learningRate, layer, softmax };
  });
}

export class TracIn {
  constructor(readonly model: Model) {}

  /** Proponents and opponents of each test example (rows of `test`) among the training set. */
  async influence(train: InfluenceDataset, trainLabels: readonly number[], test: Tensor, options?: TracInOptions): Promise<TracInResult> {
    const id = 'tracin';
    const classes = checkClassCount(this.model, id);
    const nTest = validateInput(this.model, test, 'test');
    checkLabels(trainLabels, classes, 'trainLabels', id);
    if (options?.testLabels !== undefined) {
      checkLabels(options.testLabels, classes, 'testLabels', id);
      if (options.testLabels.length !== nTest) throw new InvalidArgumentError(`${id}: ${options.testLabels.length} test labels for ${nTest} test examples`);
    }
    const k = checkK(options?.k, id);
    const batchSize = checkBatch(options?.batchSize, id);
    const cps = resolveCheckpoints(this.model, options, id);
    const kind = options?.outputs ?? 'auto';
    const ctx = new SharedCalls(options?.signal, options?.onProgress);
    const rows = knownRows(train, options?.trainSize);
    ctx.plan(cps.length + 1 + (rows !== undefined ? cps.length * Math.ceil(rows / batchSize) : 0));
    return tracInScan(ctx, this.model, cps, train, trainLabels, test, options?.testLabels, kind, k, batchSize);
  }

  /** Self-influence Σ η ‖∇ℓ(z)‖² of every training example, and the k largest. */
  async selfInfluence(train: InfluenceDataset, trainLabels: readonly number[], options?: TracInOptions): Promise<SelfInfluenceResult> {
    const id = 'tracin-self';
    const classes = checkClassCount(this.model, id);
    checkLabels(trainLabels, classes, 'trainLabels', id);
    const k = checkK(options?.k, id);
    const batchSize = checkBatch(options?.batchSize, id);
    const cps = resolveCheckpoints(this.model, options, id);
    const ctx = new SharedCalls(options?.signal, options?.onProgress);
    const rows = knownRows(train, options?.trainSize);
    if (rows !== undefined) ctx.plan(cps.length * Math.ceil(rows / batchSize));
    return selfInfluenceScan(ctx, this.model, cps, train, trainLabels, options?.outputs ?? 'auto', k, batchSize);
  }
}

async function tracInScan(
  ctx: SharedCalls, model: Model, cps: readonly Checkpoint[], train: InfluenceDataset, trainLabels: readonly number[],
  test: Tensor, testLabels: readonly number[] | undefined, kind: OutputKind, k: number, batchSize: number,
): Promise<TracInResult> {
  const nTest = test.shape[0]!;
  const finalOut = await ctx.on(model).forward(test);
  const predicted = argmaxRows(finalOut);
  const labels = testLabels ?? predicted;
  const testFeatures: LastLayerFeatures[] = [];
  for (const cp of cps) testFeatures.push(await features(ctx.on(cp.model), cp, test, labels, kind));
  const pro = Array.from({ length: nTest }, () => new TopK(k, 1));
  const opp = Array.from({ length: nTest }, () => new TopK(k, -1));
  let seen = 0;
  for await (const batch of batchesOf(train, batchSize)) {
    throwIfAborted(ctx.signal);
    const n = validateInput(model, batch, 'training batch');
    if (seen + n > trainLabels.length) throw new InvalidArgumentError(`tracin: the training set has more rows than its ${trainLabels.length} labels`);
    const scores = new Float64Array(n * nTest);
    for (let c = 0; c < cps.length; c++) {
      const cp = cps[c]!;
      const f = await features(ctx.on(cp.model), cp, batch, trainLabels.slice(seen, seen + n), kind);
      for (let i = 0; i < n; i++) for (let t = 0; t < nTest; t++) scores[i * nTest + t]! += cp.lr * gradientDot(f, i, testFeatures[c]!, t);
    }
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < nTest; t++) {
        const s = finiteOrThrow(scores[i * nTest + t]!, `tracin score of training example ${seen + i}`);
        pro[t]!.offer(seen + i, s);
        opp[t]!.offer(seen + i, s);
      }
    }
    seen += n;
  }
  if (seen !== trainLabels.length) throw new InvalidArgumentError(`tracin: ${trainLabels.length} training labels for ${seen} training examples`);
  const tests = pro.map((p, t): TracInTest => ({
    label: labels[t]!,
    predicted: predicted[t]!,
    proponents: p.items.filter((e) => e.score > 0),
    opponents: opp[t]!.items.filter((e) => e.score < 0),
  }));
  return { layer: cps[0]!.layer, checkpoints: cps.length, tests, seen, modelCalls: ctx.modelCalls };
}

async function selfInfluenceScan(
  ctx: SharedCalls, model: Model, cps: readonly Checkpoint[], train: InfluenceDataset, trainLabels: readonly number[],
  kind: OutputKind, k: number, batchSize: number,
): Promise<SelfInfluenceResult> {
  const scores = new Float64Array(trainLabels.length);
  const top = new TopK(k, 1);
  let seen = 0;
  for await (const batch of batchesOf(train, batchSize)) {
    throwIfAborted(ctx.signal);
    const n = validateInput(model, batch, 'training batch');
    if (seen + n > trainLabels.length) throw new InvalidArgumentError(`tracin-self: the training set has more rows than its ${trainLabels.length} labels`);
    for (const cp of cps) {
      const f = await features(ctx.on(cp.model), cp, batch, trainLabels.slice(seen, seen + n), kind);
      for (let i = 0; i < n; i++) scores[seen + i]! += cp.lr * gradientDot(f, i, f, i);
    }
    for (let i = 0; i < n; i++) top.offer(seen + i, finiteOrThrow(scores[seen + i]!, `self-influence of training example ${seen + i}`));
    seen += n;
  }
  if (seen !== trainLabels.length) throw new InvalidArgumentError(`tracin-self: ${trainLabels.length} training labels for ${seen} training examples`);
  return { layer: cps[0]!.layer, checkpoints: cps.length, top: top.items, scores, seen, modelCalls: ctx.modelCalls };
}

/**
 * Model calls over several models (the checkpoints and the final model): one ModelCaller per
 * model, one shared progress count and abort signal.
 */
export class SharedCalls {
  private done = 0;
  private total = 0;
  private readonly callers = new Map<Model, ModelCaller>();
  constructor(readonly signal: AbortSignal | undefined, private readonly onProgress: ((p: Progress) => void) | undefined) {}
  plan(calls: number): void {
    this.total += calls;
  }
  on(model: Model): ModelCaller {
    let c = this.callers.get(model);
    if (!c) {
      c = new ModelCaller(model, this.signal, () => {
        this.done++;
        if (this.done > this.total) this.total = this.done;
        this.onProgress?.({ done: this.done, total: this.total });
      });
      this.callers.set(model, c);
    }
    return c;
  }
  get modelCalls(): number {
    return this.done;
  }
}
