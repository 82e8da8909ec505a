/**
 * CART decision trees (Breiman, Friedman, Olshen & Stone 1984): binary axis-aligned splits
 * `x[feature] ≤ threshold` chosen greedily to maximise the impurity decrease.
 *
 * Implemented here rather than depending on ml-cart because core has zero runtime dependencies;
 * ml-cart is this file's test oracle (devDependency). Conventions (as scikit-learn):
 * - impurity: 'gini' (1 − Σ p²) or 'entropy' (−Σ p log₂ p) for classification, 'variance' (mean
 *   squared deviation from the node mean) for regression;
 * - candidate thresholds are midpoints between consecutive distinct sorted values; rows with
 *   x ≤ threshold go left;
 * - a node is split when depth < maxDepth, it has ≥ minSamplesSplit rows, it is not pure, both
 *   children keep ≥ minSamplesLeaf rows, and the weighted decrease
 *   n/N·(I − nL/n·I_L − nR/n·I_R) exceeds minImpurityDecrease;
 * - ties between splits keep the first found (features in order, thresholds ascending);
 * - `maxFeatures` < F draws the candidate features of each node from createRng(seed) (the only
 *   random step: without it the tree is deterministic).
 * Leaves predict the majority class (lowest index on ties) or the mean.
 */
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { createRng } from '../../random/prng.js';
import { shuffledRange } from '../../random/shuffle.js';

export type TreeTask = 'classification' | 'regression';
export type TreeCriterion = 'gini' | 'entropy' | 'variance';

export interface DecisionTreeOptions {
  readonly task: TreeTask;
  /** Default 'gini' (classification) / 'variance' (regression). */
  readonly criterion?: TreeCriterion;
  /** Default 4; the root is depth 0. */
  readonly maxDepth?: number;
  /** Default 1. */
  readonly minSamplesLeaf?: number;
  /** Default 2. */
  readonly minSamplesSplit?: number;
  /** Default 0. */
  readonly minImpurityDecrease?: number;
  /** Candidate features per node, default all. */
  readonly maxFeatures?: number;
  /** Default 0; used only when maxFeatures < F. */
  readonly seed?: number;
  /** Classes for classification (default 1 + the largest label). */
  readonly classes?: number;
}

export interface TreeNode {
  readonly id: number;
  readonly depth: number;
  /** Rows of the training data in this node. */
  readonly samples: number;
  readonly impurity: number;
  /** Class counts (classification) or [mean] (regression). */
  readonly value: readonly number[];
  /** Majority class, or the mean. */
  readonly prediction: number;
  /** Split feature, −1 at a leaf. */
  readonly feature: number;
  readonly threshold: number;
  /** Child ids (−1 at a leaf): left holds x[feature] ≤ threshold. */
  readonly left: number;
  readonly right: number;
}

export interface DecisionTree {
  readonly task: TreeTask;
  readonly criterion: TreeCriterion;
  readonly features: number;
  /** Classes (0 for regression). */
  readonly classes: number;
  /** Nodes in depth-first preorder; node 0 is the root. */
  readonly nodes: readonly TreeNode[];
  /** Impurity-based importance per feature, normalised to sum 1 (all 0 for a single leaf). */
  readonly featureImportances: Float64Array;
  readonly depth: number;
  readonly leaves: number;
}

function checkInt(v: number | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

function impurityOf(criterion: TreeCriterion, counts: Float64Array, n: number, sum: number, sumSq: number): number {
  if (n === 0) return 0;
  if (criterion === 'variance') return Math.max(0, sumSq / n - (sum / n) ** 2);
  let s = 0;
  if (criterion === 'gini') {
    for (let k = 0; k < counts.length; k++) s += (counts[k]! / n) ** 2;
    return 1 - s;
  }
  for (let k = 0; k < counts.length; k++) {
    const p = counts[k]! / n;
    if (p > 0) s -= p * Math.log2(p);
  }
  return s;
}

/** Fits a CART tree to x [n × f] (row-major) and targets y [n]. */
export function fitDecisionTree(x: ArrayLike<number>, y: ArrayLike<number>, features: number, options: DecisionTreeOptions): DecisionTree {
  if (!options || (options.task !== 'classification' && options.task !== 'regression')) {
    throw new InvalidArgumentError(`task must be 'classification' or 'regression', got ${String(options?.task)}`);
  }
  const task = options.task;
  const criterion = options.criterion ?? (task === 'classification' ? 'gini' : 'variance');
  if (!['gini', 'entropy', 'variance'].includes(criterion)) throw new InvalidArgumentError(`criterion must be gini, entropy or variance, got ${String(criterion)}`);
  if ((task === 'regression') !== (criterion === 'variance')) throw new InvalidArgumentError(`criterion '${criterion}' does not fit a ${task} tree`);
  if (!Number.isInteger(features) || features < 1) throw new InvalidArgumentError(`features must be a positive integer, got ${features}`);
  const n = y.length;
  if (n === 0) throw new ShapeError('a decision tree needs at least one row');
  if (x.length !== n * features) throw new ShapeError(`x has ${x.length} values for ${n} rows of ${features} features`);
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i]!)) throw new InvalidArgumentError(`x has a non-finite value at flat index ${i}`);
  const maxDepth = checkInt(options.maxDepth, 'maxDepth', 4, 0);
  const minLeaf = checkInt(options.minSamplesLeaf, 'minSamplesLeaf', 1, 1);
  const minSplit = checkInt(options.minSamplesSplit, 'minSamplesSplit', 2, 2);
  const maxFeatures = checkInt(options.maxFeatures, 'maxFeatures', features, 1);
  const minDecrease = options.minImpurityDecrease ?? 0;
  if (!(minDecrease >= 0)) throw new InvalidArgumentError(`minImpurityDecrease must be ≥ 0, got ${String(minDecrease)}`);
  let classes = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`target ${i} is not finite (${v})`);
    if (task === 'classification') {
      if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`classification target ${i} (${v}) is not a class index`);
      classes = Math.max(classes, v + 1);
    }
  }
  if (task === 'classification' && options.classes !== undefined) {
    if (!Number.isInteger(options.classes) || options.classes < classes) throw new InvalidArgumentError(`classes (${options.classes}) must be an integer ≥ ${classes}`);
    classes = options.classes;
  }
  const rng = createRng(checkInt(options.seed, 'seed', 0, Number.MIN_SAFE_INTEGER));
  const K = classes;
  const nodes: TreeNode[] = [];
  const importance = new Float64Array(features);
  const cL = new Float64Array(K);
  const cR = new Float64Array(K);

  const stats = (rows: Int32Array) => {
    const counts = new Float64Array(K);
    let sum = 0;
    let sumSq = 0;
    for (const r of rows) {
      const v = y[r]!;
      if (K) counts[v]!++;
      sum += v;
      sumSq += v * v;
    }
    return { counts, sum, sumSq };
  };

  const grow = (rows: Int32Array, depth: number): number => {
    const m = rows.length;
    const { counts, sum, sumSq } = stats(rows);
    const imp = impurityOf(criterion, counts, m, sum, sumSq);
    let prediction = sum / m;
    if (K) {
      prediction = 0;
      for (let k = 1; k < K; k++) if (counts[k]! > counts[prediction]!) prediction = k;
    }
    const id = nodes.length;
    const node = { id, depth, samples: m, impurity: imp, value: K ? Array.from(counts) : [sum / m], prediction, feature: -1, threshold: 0, left: -1, right: -1 };
    nodes.push(node);
    if (depth >= maxDepth || m < minSplit || m < 2 * minLeaf || imp <= 1e-12) return id;

    let best = { gain: minDecrease * (n / m), feature: -1, threshold: 0 };
    const order = maxFeatures < features ? Array.from(shuffledRange(rng.derive(id), features).subarray(0, maxFeatures)).sort((a, b) => a - b) : null;
    const sorted = new Int32Array(m);
    for (let fi = 0; fi < (order ? order.length : features); fi++) {
      const f = order ? order[fi]! : fi;
      sorted.set(rows);
      sorted.sort((a, b) => x[a * features + f]! - x[b * features + f]! || a - b);
      cL.fill(0);
      cR.set(counts);
      let sL = 0;
      let qL = 0;
      for (let i = 0; i < m - 1; i++) {
        const r = sorted[i]!;
        const v = y[r]!;
        if (K) {
          cL[v]!++;
          cR[v]!--;
        }
        sL += v;
        qL += v * v;
        const nL = i + 1;
        const a = x[r * features + f]!;
        const b = x[sorted[i + 1]! * features + f]!;
        if (a === b || nL < minLeaf || m - nL < minLeaf) continue;
        const iL = impurityOf(criterion, cL, nL, sL, qL);
        const iR = impurityOf(criterion, cR, m - nL, sum - sL, sumSq - qL);
        const gain = imp - (nL / m) * iL - ((m - nL) / m) * iR;
        if (gain > best.gain + 1e-12) {
          let t = a / 2 + b / 2;
          if (!(t < b)) t = a; // adjacent floats: keep x ≤ t ⇔ x ≤ a
          best = { gain, feature: f, threshold: t };
        }
      }
    }
    if (best.feature < 0) return id;
    const f = best.feature;
    const left = rows.filter((r) => x[r * features + f]! <= best.threshold);
    const right = rows.filter((r) => x[r * features + f]! > best.threshold);
    importance[f] += (m / n) * best.gain;
    node.feature = f;
    node.threshold = best.threshold;
    node.left = grow(left, depth + 1);
    node.right = grow(right, depth + 1);
    return id;
  };

  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  grow(all, 0);
  let total = 0;
  for (const v of importance) total += v;
  if (total > 0) for (let f = 0; f < features; f++) importance[f]! /= total;
  return {
    task,
    criterion,
    features,
    classes: K,
    nodes,
    featureImportances: importance,
    depth: nodes.reduce((d, nd) => Math.max(d, nd.depth), 0),
    leaves: nodes.filter((nd) => nd.feature < 0).length,
  };
}

/** The leaf id each row of x [rows × tree.features] falls in. */
export function treeLeaves(tree: DecisionTree, x: ArrayLike<number>, rows: number): Int32Array {
  const F = tree.features;
  if (x.length !== rows * F) throw new ShapeError(`x has ${x.length} values for ${rows} rows of ${F} features`);
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let node = tree.nodes[0]!;
    while (node.feature >= 0) node = tree.nodes[x[i * F + node.feature]! <= node.threshold ? node.left : node.right]!;
    out[i] = node.id;
  }
  return out;
}

/** The tree's prediction (class index or value) per row. */
export function predictTree(tree: DecisionTree, x: ArrayLike<number>, rows: number): Float64Array {
  const leaves = treeLeaves(tree, x, rows);
  return Float64Array.from(leaves, (id) => tree.nodes[id]!.prediction);
}
