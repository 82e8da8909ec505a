/**
 * Layer-wise Relevance Propagation (Bach et al. 2015) — Captum's `LRP`: the output relevance
 * is the target output itself (seed f(x)_t at the target, 0 elsewhere; for an explicit tensor
 * seed s, s ⊙ f(x)), propagated to the input by the rules of a composite, one rule per graph
 * node (a rule-modified backward pass whose "gradient" is relevance):
 *
 *   attributions = relevance at the input,   delta = f(x)_t − Σ attributions  (Captum's sign)
 *
 * Default composite 'captum' (Captum's defaults): ε-rule (ε = 1e-9, z + ε·sign(z), sign(0) = +1)
 * on Gemm / MatMul / Conv / MaxPool / AveragePool, ReLU passes relevance unchanged, biases absorb
 * relevance (so delta ≠ 0 in general); other nodes use their plain VJP (shape ops move relevance
 * unchanged). `epsilon` overrides ε. Further composites come from the rules engine.
 * Needs capabilities 'gradients' and 'rules' and `model.graph`.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls (the output relevance and the predicted
 * class) and ⌈N / internalBatchSize⌉ rule-modified gradient calls.
 */
import type { Model } from '../model.js';
import type { Graph, OpType } from '../ir/graph.js';
import type { Rule, RuleAssignment } from '../rules/rule.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { InvalidArgumentError } from '../errors.js';
import {
  attributeWith,
  checkBatchSize,
  checkNonNegative,
  chunkCount,
  targetValue,
  type AttributionResult,
  type CommonOptions,
  type CoreResult,
  type GradientAttribution,
  type ModelCaller,
  type ResolvedTarget,
} from './common.js';
import { sliceRows, targetOrPredicted } from './rows.js';
import { requestRows, requireGraph, requireRules } from './requests.js';

export interface LrpOptions extends CommonOptions {
  /** Composite name (default 'captum'). */
  readonly composite?: string;
  /** ε of the ε-rules (default 1e-9 for 'captum'). */
  readonly epsilon?: number;
  /** γ of γ-rules (composites that use them). */
  readonly gamma?: number;
  /** α of α-β rules (β = α − 1; composites that use them). */
  readonly alpha?: number;
}

const CAPTUM_EPSILON_OPS: ReadonlySet<OpType> = new Set<OpType>(['Gemm', 'MatMul', 'Conv', 'MaxPool', 'AveragePool']);

export function epsilonRule(epsilon: number): Rule {
  return { name: 'epsilon', terms: [{ weight: 1 }], gradient: { kind: 'normalize', epsilon }, vjp: 'standard', reducer: 'input-times-gradient' };
}

export const passRule: Rule = { name: 'pass', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'identity', reducer: 'gradient' };

/** Captum's default LRP rules over a graph. */
export function captumLrpRules(graph: Graph, epsilon = 1e-9): RuleAssignment {
  const eps = epsilonRule(epsilon);
  const out: Record<string, Rule> = {};
  for (const node of graph.nodes) {
    if (CAPTUM_EPSILON_OPS.has(node.op)) out[node.name] = eps;
    else if (node.op === 'Relu') out[node.name] = passRule;
  }
  return out;
}

/** Composite names resolved here. */
export const LRP_COMPOSITES: readonly string[] = ['captum'];

/** The rules of a named composite with the given parameters. */
export function lrpRules(graph: Graph, options: Pick<LrpOptions, 'composite' | 'epsilon' | 'gamma' | 'alpha'>): RuleAssignment {
  const name = options.composite ?? 'captum';
  if (name === 'captum') return captumLrpRules(graph, options.epsilon ?? 1e-9);
  throw new InvalidArgumentError(`unknown LRP composite '${name}'; expected one of ${LRP_COMPOSITES.join(', ')}`);
}

export function checkLrpOptions(options: LrpOptions): void {
  const name = options.composite ?? 'captum';
  if (typeof name !== 'string' || !LRP_COMPOSITES.includes(name)) {
    throw new InvalidArgumentError(`unknown LRP composite '${String(name)}'; expected one of ${LRP_COMPOSITES.join(', ')}`);
  }
  checkNonNegative(options.epsilon, 'epsilon', 1e-9);
  checkNonNegative(options.gamma, 'gamma', 0.25);
  if (options.alpha !== undefined && !(Number.isFinite(options.alpha) && options.alpha >= 1)) {
    throw new InvalidArgumentError(`alpha must be a finite number ≥ 1 (β = α − 1), got ${String(options.alpha)}`);
  }
  checkBatchSize(options.internalBatchSize);
}

export class Lrp implements GradientAttribution<LrpOptions> {
  readonly id = 'lrp';
  constructor(readonly model: Model) {}

  attribute(x: Tensor, options: LrpOptions = {}): Promise<AttributionResult> {
    return attributeWith(this, x, options);
  }

  validateOptions(options: LrpOptions): void {
    requireRules(this.model, this.id);
    lrpRules(requireGraph(this.model, this.id), options);
    checkLrpOptions(options);
  }

  plannedCalls(rows: number, _resolveTarget: boolean, options: LrpOptions): number {
    return 2 * chunkCount(rows, checkBatchSize(options.internalBatchSize));
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: LrpOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const max = checkBatchSize(options.internalBatchSize);
    const outputs = await ctx.forwardRows(n, max, (s, e) => sliceRows(x, s, e));
    const resolved = targetOrPredicted(target, outputs);
    const rules = lrpRules(requireGraph(ctx.model, this.id), options);
    // Output relevance: the target output (index target) or seed ⊙ f(x) (tensor seed).
    const perOut = sizeOf(ctx.model.outputShape);
    const seed = new Float32Array(n * perOut);
    for (let i = 0; i < n; i++) {
      if (resolved.kind === 'index') {
        const t = resolved.indices[i]!;
        seed[i * perOut + t] = outputs.data[i * perOut + t]!;
      } else for (let j = 0; j < perOut; j++) seed[i * perOut + j] = resolved.seed.data[i * perOut + j]! * outputs.data[i * perOut + j]!;
    }
    const relevanceSeed: ResolvedTarget = { kind: 'tensor', seed: { shape: [n, ...ctx.model.outputShape], data: seed } };
    const per = x.data.length / n;
    const attr = new Float32Array(n * per);
    await requestRows(ctx, n, max, (s, e) => sliceRows(x, s, e), relevanceSeed, () => ({ rules }), (s, _e, res) => {
      attr.set(res.inputGradient.data, s * per);
    });
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < per; j++) sum += attr[i * per + j]!;
      delta[i] = targetValue(outputs, i, resolved, i) - sum;
    }
    return { attributions: { shape: [...x.shape], data: attr }, outputs, target: resolved, delta };
  }
}
