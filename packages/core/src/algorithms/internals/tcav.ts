/**
 * TCAV — Testing with Concept Activation Vectors (Kim et al. 2018), with Captum's semantics
 * (`captum.concept.TCAV` + its tutorial's significance test):
 *
 * - A concept is a named set of example inputs; random concepts are sets drawn (seeded) from a
 *   pool of random examples, or given as sets.
 * - For every layer and every run i = 1 … R, a linear classifier separates the concept's layer
 *   activations (flattened) from random set i's; the CAV is its weight vector oriented towards
 *   the concept (tcav-cav.ts). The random baseline's run i does the same with random set i + 1
 *   (cyclically) in place of the concept. Captum's tutorial compares with [random_0, random_i],
 *   one fixed random set; the original TCAV code pairs many random sets with each other. We
 *   follow the latter: with one fixed baseline set, that set's own sampling offset is shared by
 *   all R baseline runs, which the t-test does not account for, and random concepts come out
 *   "significant" far more often than the nominal level (measured in tcav.test.ts).
 *   The same caveat holds for the concept's own fixed example set: on the planted test model a
 *   random "concept" as large as the random sets is significant at 5 % in ≈ 25 % of seeds, one
 *   4× larger in ≈ 7 %. Use concept sets several times larger than the random sets.
 * - The layer gradient of the target output for each input (Captum's default layer attribution:
 *   LayerGradientXActivation with multiply_by_inputs=False, i.e. the plain layer gradient),
 *   dotted with the CAV, is the directional derivative; the TCAV score (`sign_count`) is the
 *   fraction of inputs where it is > 0, the magnitude score Σ positive / Σ |·|.
 * - Significance: two-sided Student's t-test (scipy.stats.ttest_ind default, equal variances)
 *   between the concept's R scores and the random baseline's R scores.
 *
 * Seeded: random-set draws, train/test splits and SGD order all derive from `seed`.
 * Model calls: ⌈(concept + random examples) / batch⌉ activation calls and ⌈N / batch⌉ gradient
 * calls; progress counts model calls and classifier fits.
 */
import type { Model } from '../../model.js';
import { concatBatch, sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError, throwIfAborted } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';
import { checkBatchSize, chunkCount, requireGradients, validateInput, validateTarget, ModelCaller, type Progress, type Target } from '../_utils/common.js';
import { requestRows, requireLayers } from '../_utils/requests.js';
import { sliceRows } from '../_utils/rows.js';
import { layerFeatureRows } from '../_utils/layer-features.js';
import type { LinearClassifierOptions } from '../_utils/stats/linear-classifier.js';
import { tTestIndependent } from '../_utils/stats/t-test.js';
import { layerNameOf } from '../layer/layer-common.js';
import { tcavScores, trainCav } from './tcav-cav.js';

export interface Concept {
  readonly name: string;
  /** Example inputs of the concept, [M, ...inputShape], M ≥ 2. */
  readonly examples: Tensor;
}

export interface TcavOptions {
  /** Layers (graph node names or aliases the model resolves). */
  readonly layers: readonly string[];
  readonly concepts: readonly Concept[];
  /**
   * Random examples: a pool [P, ...inputShape] from which R random sets of `randomSetSize`
   * rows are drawn (seeded, without replacement within a set; the sets are disjoint when
   * R · randomSetSize ≤ P), or the R ≥ 3 random sets themselves.
   */
  readonly random: Tensor | readonly Tensor[];
  /** R, the random runs (pool form only; default 10; ≥ 3). */
  readonly randomRuns?: number;
  /** Rows per drawn random set (pool form; default min(pool, largest concept)). */
  readonly randomSetSize?: number;
  /** The output whose gradient is taken, per input (class index or one per input). */
  readonly target: Target;
  readonly seed?: number;
  /** Held-out fraction for the classifier accuracy (default 0.33, Captum's). */
  readonly testSplit?: number;
  readonly classifier?: LinearClassifierOptions;
  /** Significance level for `significant` (default 0.05). */
  readonly significance?: number;
  readonly internalBatchSize?: number;
  readonly signal?: AbortSignal;
  /** Called after every model call and classifier fit. */
  readonly onProgress?: (p: Progress) => void;
}

/** One (concept, layer) cell: R runs against random sets 0 … R − 1, and the test against random. */
export interface TcavConceptLayer {
  readonly concept: string;
  readonly layer: string;
  /** TCAV score (sign count) per run. */
  readonly scores: number[];
  readonly magnitudes: number[];
  /** Held-out classifier accuracy per run. */
  readonly accuracies: number[];
  /** CAV per run (flattened layer shape). */
  readonly cavs: Float32Array[];
  readonly mean: number;
  /** Population standard deviation of `scores`. */
  readonly std: number;
  readonly magnitudeMean: number;
  /** Two-sided Student's t-test p-value, concept scores vs the random baseline's (sign count). */
  readonly pValue: number;
  /** The same test on the magnitude scores. */
  readonly magnitudePValue: number;
  /** pValue < significance. */
  readonly significant: boolean;
}

/** The random baseline of a layer: run i is random set i + 1 (mod R) against set i. */
export interface TcavRandomLayer {
  readonly layer: string;
  readonly scores: number[];
  readonly magnitudes: number[];
  readonly accuracies: number[];
  readonly mean: number;
  readonly std: number;
}

export interface TcavResult {
  readonly layers: string[];
  readonly concepts: string[];
  readonly runs: number;
  readonly seed: number;
  readonly significance: number;
  /** Concept-major: results[c · layers + l]. */
  readonly results: TcavConceptLayer[];
  readonly random: TcavRandomLayer[];
  /** Target class per input. */
  readonly targets: number[];
  readonly modelCalls: number;
}

function meanStd(v: readonly number[]): [number, number] {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) * (b - m), 0) / v.length)];
}

function checkExamples(model: Model, t: Tensor, what: string): number {
  if (!t || !Array.isArray(t.shape)) throw new InvalidArgumentError(`${what} must be a Tensor {shape, data}`);
  if (t.shape[0] === 0) throw new InvalidArgumentError(`${what} is empty (no examples)`);
  const n = validateInput(model, t, what);
  if (n < 2) throw new InvalidArgumentError(`${what} has too few examples (${n}); TCAV needs at least 2 per set`);
  return n;
}

/** TCAV over a model with gradients and layer taps. */
export class Tcav {
  readonly id = 'tcav';
  constructor(readonly model: Model) {}

  async interpret(x: Tensor, options: TcavOptions): Promise<TcavResult> {
    const model = this.model;
    requireGradients(model, 'tcav');
    requireLayers(model, 'tcav');
    const n = validateInput(model, x);
    if (!Array.isArray(options?.layers) || options.layers.length === 0) throw new InvalidArgumentError('tcav needs at least one layer');
    const layers = options.layers.map((l) => layerNameOf(model, l, 'tcav'));
    if (new Set(layers).size !== layers.length) throw new InvalidArgumentError(`tcav: a layer is named twice (${layers.join(', ')})`);
    if (!Array.isArray(options.concepts) || options.concepts.length === 0) throw new InvalidArgumentError('tcav needs at least one concept');
    const names = new Set<string>();
    for (const c of options.concepts) {
      if (typeof c?.name !== 'string' || c.name === '') throw new InvalidArgumentError('every concept needs a non-empty name');
      if (names.has(c.name)) throw new InvalidArgumentError(`concept name '${c.name}' is used twice`);
      names.add(c.name);
      checkExamples(model, c.examples, `concept '${c.name}'`);
    }
    const target = validateTarget(model, options.target, n);
    if (!target || target.kind !== 'index') throw new InvalidArgumentError('tcav needs a target class index (one for all inputs or one per input)');
    const seed = options.seed ?? 0;
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer (got ${seed})`);
    const testSplit = options.testSplit ?? 0.33;
    if (!(testSplit >= 0 && testSplit < 1)) throw new InvalidArgumentError(`testSplit must be in [0, 1) (got ${testSplit})`);
    const alpha = options.significance ?? 0.05;
    if (!(alpha > 0 && alpha < 1)) throw new InvalidArgumentError(`significance must be in (0, 1) (got ${alpha})`);
    const batch = checkBatchSize(options.internalBatchSize);
    const rng = createRng(seed);

    // Random sets as row lists into one tensor of random examples.
    let randomX: Tensor;
    let randomSets: number[][];
    if (Array.isArray(options.random)) {
      const sets = options.random as readonly Tensor[];
      if (sets.length < 3) throw new InvalidArgumentError(`tcav needs at least 3 random sets (got ${sets.length})`);
      sets.forEach((s, i) => checkExamples(model, s, `random set ${i}`));
      randomX = concatBatch(sets);
      let off = 0;
      randomSets = sets.map((s) => {
        const rows = Array.from({ length: s.shape[0]! }, (_, k) => off + k);
        off += s.shape[0]!;
        return rows;
      });
    } else {
      const pool = options.random as Tensor;
      const p = checkExamples(model, pool, 'random pool');
      const runs = options.randomRuns ?? 10;
      if (!Number.isInteger(runs) || runs < 3) throw new InvalidArgumentError(`randomRuns must be an integer ≥ 3 (got ${runs})`);
      const largest = Math.max(...options.concepts.map((c) => c.examples.shape[0]!));
      const size = options.randomSetSize ?? Math.min(p, largest);
      if (!Number.isInteger(size) || size < 2 || size > p) {
        throw new InvalidArgumentError(`randomSetSize must be an integer in [2, ${p}] (the pool size; got ${size})`);
      }
      randomX = pool;
      // Disjoint sets (one permutation cut in slices) when the pool holds them all, as Captum's
      // random concepts are separate example folders; else each set is its own draw.
      const perm = shuffledRange(rng.derive(1), p);
      const disjoint = runs * size <= p;
      randomSets = Array.from({ length: runs }, (_, k) =>
        Array.from(disjoint ? perm.subarray(k * size, (k + 1) * size) : shuffledRange(rng.derive(2 + k), p).subarray(0, size)).sort((a, b) => a - b),
      );
    }
    const runs = randomSets.length;
    const examples = concatBatch([...options.concepts.map((c) => c.examples), randomX]);
    const conceptRows: number[][] = [];
    let off = 0;
    for (const c of options.concepts) {
      conceptRows.push(Array.from({ length: c.examples.shape[0]! }, (_, k) => off + k));
      off += c.examples.shape[0]!;
    }
    randomSets = randomSets.map((rows) => rows.map((r) => r + off));

    // Progress: model calls + classifier fits.
    const fits = layers.length * (options.concepts.length + 1) * runs;
    const calls = chunkCount(examples.shape[0]!, batch) + chunkCount(n, batch);
    let fitted = 0;
    let called = 0;
    const report = () => options.onProgress?.({ done: called + fitted, total: calls + fits });
    const ctx = new ModelCaller(model, options.signal, (p) => {
      called = p.done;
      report();
    });
    throwIfAborted(options.signal);
    ctx.plan(calls);

    const acts = await layerFeatureRows(ctx, examples, layers, batch, 'flatten');
    const grads = layers.map((_, li) => new Float32Array(n * acts[li]!.dim));
    await requestRows(ctx, n, batch, (s, e) => sliceRows(x, s, e), target, () => ({ layers }), (s, _e, res) => {
      layers.forEach((l, li) => grads[li]!.set(res.layers[l]!.gradient.data, s * acts[li]!.dim));
    });
    for (let li = 0; li < layers.length; li++) {
      if (sizeOf(acts[li]!.layerShape) !== acts[li]!.dim) throw new InvalidArgumentError(`layer ${layers[li]}: unexpected activation size`);
    }

    const classifier = options.classifier ?? {};
    const runSet = (li: number, key: number, rows: readonly number[], other: readonly number[]) => {
      throwIfAborted(options.signal);
      const cav = trainCav(acts[li]!, rows, other, rng.derive(100_000 + key), testSplit, classifier);
      const sc = tcavScores(grads[li]!, n, cav.vector);
      fitted++;
      report();
      return { cav, sc };
    };

    const random: TcavRandomLayer[] = layers.map((layer, li) => {
      const res = Array.from({ length: runs }, (_, i) => runSet(li, (li * 1000 + 999) * 1000 + i, randomSets[(i + 1) % runs]!, randomSets[i]!));
      const scores = res.map((r) => r.sc.signCount);
      const [mean, std] = meanStd(scores);
      return { layer, scores, magnitudes: res.map((r) => r.sc.magnitude), accuracies: res.map((r) => r.cav.accuracy), mean, std };
    });
    const results: TcavConceptLayer[] = [];
    options.concepts.forEach((c, ci) => {
      layers.forEach((layer, li) => {
        const res = Array.from({ length: runs }, (_, i) => runSet(li, (li * 1000 + ci) * 1000 + i, conceptRows[ci]!, randomSets[i]!));
        const scores = res.map((r) => r.sc.signCount);
        const magnitudes = res.map((r) => r.sc.magnitude);
        const [mean, std] = meanStd(scores);
        const rnd = random[li]!;
        const pValue = tTestIndependent(scores, rnd.scores).pValue;
        const finiteMags = magnitudes.every(Number.isFinite) && rnd.magnitudes.every(Number.isFinite);
        const magnitudePValue = finiteMags ? tTestIndependent(magnitudes, rnd.magnitudes).pValue : Number.NaN;
        results.push({
          concept: c.name,
          layer,
          scores,
          magnitudes,
          accuracies: res.map((r) => r.cav.accuracy),
          cavs: res.map((r) => r.cav.vector),
          mean,
          std,
          magnitudeMean: meanStd(magnitudes)[0],
          pValue,
          magnitudePValue,
          significant: pValue < alpha,
        });
      });
    });
    return {
      layers,
      concepts: options.concepts.map((c) => c.name),
      runs,
      seed,
      significance: alpha,
      results,
      random,
      targets: [...target.indices],
      modelCalls: ctx.modelCalls,
    };
  }
}

/** Functional form: `new Tcav(model).interpret(x, options)`. */
export function tcav(model: Model, x: Tensor, options: TcavOptions): Promise<TcavResult> {
  return new Tcav(model).interpret(x, options);
}
