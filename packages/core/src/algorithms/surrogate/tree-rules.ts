/**
 * A decision tree as IF–THEN rules, one per leaf, simplified:
 * - subtrees whose leaves all predict the same class are merged into one rule (classification);
 * - conditions on the same feature along a path merge into one interval lower < x ≤ upper (the
 *   tightest bound of each side; looser ones are redundant and dropped).
 * Support is the number (and share) of training rows in the rule's region; confidence is the share
 * of those rows whose target (the model's class) is the rule's class; regression rules carry the
 * mean and the standard deviation of the targets instead.
 */
import type { DecisionTree } from './decision-tree.js';

/** One merged condition: lower < x[feature] ≤ upper (a missing side is unbounded). */
export interface RuleCondition {
  readonly feature: number;
  readonly name: string;
  /** Exclusive lower bound (x > lower). */
  readonly lower?: number;
  /** Inclusive upper bound (x ≤ upper). */
  readonly upper?: number;
}

export interface TreeRule {
  readonly conditions: readonly RuleCondition[];
  /** Class index (classification) or mean target (regression). */
  readonly prediction: number;
  /** Class name when names were given (classification). */
  readonly className?: string;
  /** Training rows in the rule's region. */
  readonly support: number;
  /** support / training rows. */
  readonly coverage: number;
  /** Share of the rows whose target is the rule's class (classification). */
  readonly confidence?: number;
  /** Standard deviation of the targets in the region (regression). */
  readonly std?: number;
  /** The rule as one line of text. */
  readonly text: string;
}

/** A number printed compactly (up to 4 significant digits, no trailing zeros). */
export function formatRuleNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  const s = a >= 1000 ? v.toFixed(1) : a >= 1 ? v.toPrecision(4) : v.toPrecision(3);
  return String(Number(s));
}

export function formatCondition(c: RuleCondition): string {
  if (c.lower !== undefined && c.upper !== undefined) return `${formatRuleNumber(c.lower)} < ${c.name} ≤ ${formatRuleNumber(c.upper)}`;
  if (c.lower !== undefined) return `${c.name} > ${formatRuleNumber(c.lower)}`;
  return `${c.name} ≤ ${formatRuleNumber(c.upper!)}`;
}

/**
 * The rules of `tree`. `names` name the features; `classNames` the classes. Rules come in order of
 * decreasing support (ties: tree order).
 */
export function treeRules(tree: DecisionTree, names: readonly string[], classNames?: readonly string[], targetSumSq?: Float64Array): TreeRule[] {
  const nodes = tree.nodes;
  const total = nodes[0]!.samples;
  const cls = tree.task === 'classification';
  // The single class of a subtree whose leaves all predict it, else −1 (memoised).
  const pure = new Int32Array(nodes.length).fill(-2);
  const pureClass = (id: number): number => {
    if (pure[id] !== -2) return pure[id]!;
    const nd = nodes[id]!;
    let c: number;
    if (nd.feature < 0) c = nd.prediction;
    else {
      const l = pureClass(nd.left);
      c = l >= 0 && l === pureClass(nd.right) ? l : -1;
    }
    pure[id] = c;
    return c;
  };
  const rules: { rule: TreeRule; order: number }[] = [];
  type Bounds = Map<number, { lower?: number; upper?: number }>;
  const visit = (id: number, bounds: Bounds) => {
    const nd = nodes[id]!;
    const merged = cls && pureClass(id) >= 0;
    if (nd.feature >= 0 && !merged) {
      const f = nd.feature;
      const b = bounds.get(f) ?? {};
      const left = new Map(bounds);
      left.set(f, { ...b, upper: b.upper === undefined ? nd.threshold : Math.min(b.upper, nd.threshold) });
      visit(nd.left, left);
      const right = new Map(bounds);
      right.set(f, { ...b, lower: b.lower === undefined ? nd.threshold : Math.max(b.lower, nd.threshold) });
      visit(nd.right, right);
      return;
    }
    const conditions: RuleCondition[] = [...bounds.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([feature, b]) => ({ feature, name: names[feature] ?? `x${feature}`, ...(b.lower !== undefined ? { lower: b.lower } : {}), ...(b.upper !== undefined ? { upper: b.upper } : {}) }));
    const prediction = merged ? pureClass(id) : nd.prediction;
    const cond = conditions.length ? conditions.map(formatCondition).join(' AND ') : 'TRUE';
    const coverage = nd.samples / total;
    let rule: TreeRule;
    if (cls) {
      const className = classNames?.[prediction];
      const confidence = nd.value[prediction]! / nd.samples;
      rule = {
        conditions,
        prediction,
        ...(className !== undefined ? { className } : {}),
        support: nd.samples,
        coverage,
        confidence,
        text: `IF ${cond} THEN ${className ?? `class ${prediction}`} (support ${nd.samples} = ${(100 * coverage).toFixed(1)}%, confidence ${(100 * confidence).toFixed(1)}%)`,
      };
    } else {
      const sq = targetSumSq?.[id];
      const std = sq === undefined ? undefined : Math.sqrt(Math.max(0, sq / nd.samples - prediction * prediction));
      rule = {
        conditions,
        prediction,
        support: nd.samples,
        coverage,
        ...(std !== undefined ? { std } : {}),
        text: `IF ${cond} THEN ${formatRuleNumber(prediction)}${std !== undefined ? ` ± ${formatRuleNumber(std)}` : ''} (support ${nd.samples} = ${(100 * coverage).toFixed(1)}%)`,
      };
    }
    rules.push({ rule, order: rules.length });
  };
  visit(0, new Map());
  return rules.sort((a, b) => b.rule.support - a.rule.support || a.order - b.order).map((r) => r.rule);
}
