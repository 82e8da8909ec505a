/** Core CART against hand-derived cases and ml-cart (an independent implementation) as oracle. */
import { describe, expect, it } from 'vitest';
import { DecisionTreeClassifier, DecisionTreeRegression } from 'ml-cart';
import { fitDecisionTree, predictTree, type DecisionTree } from '../decision-tree.js';
import { treeRules } from '../tree-rules.js';
import { createRng } from '../../../random/prng.js';
import { InvalidArgumentError, ShapeError } from '../../../errors.js';

function randomData(seed: number, n: number, f: number) {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: f }, () => rng.uniform()));
}

/** Our tree's splits in preorder, as ml-cart's node objects (left/right children). */
function splits(tree: DecisionTree, id = 0): unknown {
  const nd = tree.nodes[id]!;
  if (nd.feature < 0) return null;
  return { f: nd.feature, t: nd.threshold, l: splits(tree, nd.left), r: splits(tree, nd.right) };
}
function cartSplits(node: { splitColumn?: number; splitValue?: number; left?: unknown; right?: unknown }): unknown {
  if (!node.left || !node.right) return null;
  return { f: node.splitColumn, t: node.splitValue, l: cartSplits(node.left as never), r: cartSplits(node.right as never) };
}

describe('fitDecisionTree (CART)', () => {
  it('hand case: one threshold separates two classes; gini at the root is 0.5; importance all on that feature', () => {
    const x = [1, 9, 2, 8, 3, 7, 4, 6]; // feature 0 decides (≤ 2.5), feature 1 is noise
    const y = [0, 0, 0, 1, 1, 1];
    const xs = [0.5, x[0], 1.5, x[1], 2, x[2], 3, x[3], 3.5, x[4], 4, x[5]];
    const tree = fitDecisionTree(xs, y, 2, { task: 'classification', maxDepth: 3 });
    expect(tree.nodes[0]!.impurity).toBeCloseTo(0.5, 12);
    expect(tree.nodes[0]!.feature).toBe(0);
    expect(tree.nodes[0]!.threshold).toBe(2.5);
    expect(tree.leaves).toBe(2);
    expect(Array.from(tree.featureImportances)).toEqual([1, 0]);
    expect(Array.from(predictTree(tree, [2.5, 0, 2.51, 0], 2))).toEqual([0, 1]);
  });

  it('hand case: entropy of a 3:1 node is 0.8113 bits; regression leaf means and variance decrease', () => {
    const t = fitDecisionTree([0, 1, 2, 3], [0, 0, 0, 1], 1, { task: 'classification', criterion: 'entropy', maxDepth: 0 });
    expect(t.nodes[0]!.impurity).toBeCloseTo(-(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25)), 12);
    expect(t.nodes[0]!.prediction).toBe(0);
    const r = fitDecisionTree([0, 1, 2, 3, 4, 5], [1, 1, 1, 5, 5, 6], 1, { task: 'regression', maxDepth: 1 });
    expect(r.nodes[0]!.threshold).toBe(2.5);
    expect(r.nodes[1]!.prediction).toBe(1);
    expect(r.nodes[2]!.prediction).toBeCloseTo(16 / 3, 12);
    expect(r.nodes[2]!.impurity).toBeCloseTo((2 * (1 / 3) ** 2 + (2 / 3) ** 2) / 3, 12);
  });

  it('minSamplesLeaf and maxDepth bound the tree; maxFeatures sampling is seeded', () => {
    const rows = randomData(3, 200, 4);
    const y = rows.map((r) => (r[0]! + r[1]! > 1 ? 1 : 0));
    const t = fitDecisionTree(rows.flat(), y, 4, { task: 'classification', maxDepth: 6, minSamplesLeaf: 15 });
    expect(t.depth).toBeLessThanOrEqual(6);
    for (const nd of t.nodes) expect(nd.samples).toBeGreaterThanOrEqual(15);
    const a = fitDecisionTree(rows.flat(), y, 4, { task: 'classification', maxFeatures: 2, seed: 5 });
    const b = fitDecisionTree(rows.flat(), y, 4, { task: 'classification', maxFeatures: 2, seed: 5 });
    expect(b.nodes).toEqual(a.nodes);
  });

  it('classification: the same splits and predictions as ml-cart (gini) on random data, depths 1-4', () => {
    for (const depth of [1, 2, 3, 4]) {
      const rows = randomData(10 + depth, 300, 5);
      const y: number[] = rows.map((r) => (r[0]! > 0.6 ? (r[2]! > 0.3 ? 2 : 1) : r[3]! + 0.3 * r[4]! > 0.7 ? 1 : 0));
      // A few noisy labels so impure leaves remain.
      for (let i = 0; i < 300; i += 17) y[i] = (y[i]! + 1) % 3;
      const ours = fitDecisionTree(rows.flat(), y, 5, { task: 'classification', maxDepth: depth, minSamplesSplit: 4 });
      const cart = new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: depth, minNumSamples: 3, gainThreshold: 0 });
      cart.train(rows, y);
      expect(splits(ours)).toEqual(cartSplits(cart.root));
      const test = randomData(99, 200, 5);
      expect(Array.from(predictTree(ours, test.flat(), 200))).toEqual(cart.predict(test));
    }
  });

  it('regression: the same splits and predictions as ml-cart (squared error) on random data', () => {
    const rows = randomData(21, 250, 3);
    const y = rows.map((r) => (r[1]! > 0.5 ? 3 : 0) + 2 * r[0]! * r[2]! + 0.1 * Math.sin(40 * r[0]!));
    const ours = fitDecisionTree(rows.flat(), y, 3, { task: 'regression', maxDepth: 3, minSamplesSplit: 6 });
    const cart = new DecisionTreeRegression({ maxDepth: 3, minNumSamples: 5, gainThreshold: 0 });
    cart.train(rows, y);
    expect(splits(ours)).toEqual(cartSplits(cart.root));
    const test = randomData(98, 100, 3);
    const want = cart.predict(test);
    Array.from(predictTree(ours, test.flat(), 100)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 10));
  });

  it('rules: same-class subtrees merge and bounds on one feature merge into an interval', () => {
    // x ≤ 1.5 → class 0; 1.5 < x ≤ 3.5 → class 1; x > 3.5 → class 0, but the tree splits 0 first.
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0, 0, 1, 1, 0, 0];
    const tree = fitDecisionTree(x, y, 1, { task: 'classification', maxDepth: 3 });
    const rules = treeRules(tree, ['x'], ['no', 'yes']);
    const texts = rules.map((r) => r.text);
    expect(texts).toContain('IF 1.5 < x ≤ 3.5 THEN yes (support 2 = 33.3%, confidence 100.0%)');
    expect(rules.reduce((s, r) => s + r.support, 0)).toBe(6);
    expect(rules.every((r) => r.conditions.length === 1)).toBe(true);
  });

  it('typed errors: empty data, bad depth, mismatched sizes, non-class labels, wrong criterion', () => {
    expect(() => fitDecisionTree([], [], 1, { task: 'classification' })).toThrow(ShapeError);
    expect(() => fitDecisionTree([1, 2], [0, 1], 1, { task: 'classification', maxDepth: -1 })).toThrow(InvalidArgumentError);
    expect(() => fitDecisionTree([1, 2], [0, 1], 1, { task: 'classification', maxDepth: 1.5 })).toThrow(/maxDepth/);
    expect(() => fitDecisionTree([1, 2, 3], [0, 1], 1, { task: 'classification' })).toThrow(ShapeError);
    expect(() => fitDecisionTree([1, 2], [0, 0.5], 1, { task: 'classification' })).toThrow(/class index/);
    expect(() => fitDecisionTree([1, 2], [0, 1], 1, { task: 'regression', criterion: 'gini' })).toThrow(InvalidArgumentError);
    expect(() => fitDecisionTree([1, NaN], [0, 1], 1, { task: 'regression' })).toThrow(/non-finite/);
  });
});
