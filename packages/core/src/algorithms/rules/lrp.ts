/**
 * Layer-wise Relevance Propagation (Bach et al. 2015) — Captum's `LRP`: the output relevance
 * is the target output itself (seed f(x)_t at the target, 0 elsewhere; for an explicit tensor
 * seed s, s ⊙ f(x)), propagated to the input by the rules of a composite, one rule per graph
 * node (a rule-modified backward pass whose "gradient" is relevance):
 *
 *   attributions = relevance at the input,   delta = f(x)_t − Σ attributions  (Captum's sign)
 *
 * Default composite 'captum' (`captumDefault`, Captum's defaults): ε-rule (ε = 1e-9,
 * z + ε·sign(z), sign(0) = +1) on Gemm / MatMul / Conv / pools / BatchNormalization, element-wise
 * activations pass relevance unchanged (ReLU as Captum; Sigmoid / Tanh too, where Captum raises),
 * biases absorb relevance (so delta ≠ 0 in general), residual sums split relevance by the ε-rule;
 * shape ops move relevance unchanged. Other composites: 'epsilon-plus', 'epsilon-gamma-box' (γ),
 * 'epsilon-alpha2-beta1' / 'epsilon-alpha-beta' (α, β = α − 1) — see `lrpComposite`.
 * `epsilon` overrides ε. `canonizers` (e.g. foldBatchNorm()) rewrite the graph first; the
 * composite then resolves against the canonized graph.
 * Needs capabilities 'gradients' and 'rules' and `model.graph`.
 *
 * Model calls: with class-index targets, ⌈N / internalBatchSize⌉ rule-modified gradient calls
 * only: every rule is a linear map of the upstream relevance (a modified VJP), so relevance seeded
 * with f(x)_t·e_t is f(x)_t times the relevance seeded with e_t, and f(x) comes back with the
 * gradient call — no separate forward pass (issue 15: rule methods within 2× of Saliency). For a
 * predicted target or a tensor seed, ⌈N / internalBatchSize⌉ forward calls come first.
 */
import { common, ruleMethod } from '../_utils/method-entries.js';
import type { Graph } from '../../ir/graph.js';
import type { RuleAssignment } from '../../rules/rule.js';
import { applyCanonizers, type Canonizer } from '../../rules/canonizers.js';
import { alphaBeta } from '../../rules/presets.js';
import {
  captumDefault,
  compositeByName,
  epsilonAlpha2Beta1,
  epsilonPlus,
  resolveComposite,
  type Composite,
} from '../../rules/composites.js';
import { sizeOf, type Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import { checkBatchSize, checkNonNegative, chunkCount, targetValue, type CommonOptions, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { GradientMethod, type CoreResult } from '../_utils/gradient-method.js';
import { sliceRows, targetOrPredicted } from '../_utils/rows.js';
import { requestRows, requireGraph, requireRules } from '../_utils/requests.js';

export interface LrpOptions extends CommonOptions {
  /** Composite name (default 'captum'). */
  readonly composite?: string;
  /** ε of the ε-rules (default 1e-9 for 'captum'). */
  readonly epsilon?: number;
  /** γ of γ-rules (composites that use them). */
  readonly gamma?: number;
  /** α of α-β rules (β = α − 1; composites that use them). */
  readonly alpha?: number;
  /** Graph rewrites applied before propagation (GradientRequest.canonizers). */
  readonly canonizers?: readonly Canonizer[];
}

/** Composite names (`captum` = Captum's defaults; the others are zennit's presets from rules/composites.ts). */
export const LRP_COMPOSITES: readonly string[] = ['captum', 'epsilon-plus', 'epsilon-gamma-box', 'epsilon-alpha2-beta1', 'epsilon-alpha-beta'];

/**
 * The composite for a name and parameters: 'captum' (captumDefault, ε default 1e-9),
 * 'epsilon-plus', 'epsilon-gamma-box' (γ default 0.25, input bounds [0, 1]),
 * 'epsilon-alpha2-beta1' / 'epsilon-alpha-beta' (α-β on convolutions with β = α − 1, α default 2).
 */
export function lrpComposite(options: Pick<LrpOptions, 'composite' | 'epsilon' | 'gamma' | 'alpha'>): Composite {
  const name = options.composite ?? 'captum';
  const eps = options.epsilon !== undefined ? { epsilon: options.epsilon } : {};
  switch (name) {
    case 'captum':
    case 'captum-default':
      return captumDefault(eps);
    case 'epsilon-plus':
      return epsilonPlus(eps);
    case 'epsilon-gamma-box':
      return compositeByName('epsilon-gamma-box', { ...eps, ...(options.gamma !== undefined ? { gamma: options.gamma } : {}) });
    case 'epsilon-alpha2-beta1':
    case 'epsilon-alpha-beta': {
      const base = epsilonAlpha2Beta1(eps);
      const alpha = options.alpha ?? 2;
      if (alpha === 2) return base;
      const ab = alphaBeta(2, 1).name;
      return {
        name: `epsilon-alpha${alpha}-beta${alpha - 1}`,
        entries: base.entries.map((e) => (e.rule?.name === ab ? { ...e, rule: alphaBeta(alpha, alpha - 1) } : e)),
      };
    }
    default:
      throw new InvalidArgumentError(`unknown LRP composite '${String(name)}'; expected one of ${LRP_COMPOSITES.join(', ')}`);
  }
}

/** The rules of a named composite on a graph. */
export function lrpRules(graph: Graph, options: Pick<LrpOptions, 'composite' | 'epsilon' | 'gamma' | 'alpha'>): RuleAssignment {
  return resolveComposite(lrpComposite(options), graph);
}

export function checkLrpOptions(options: LrpOptions): void {
  const name = options.composite ?? 'captum';
  if (typeof name !== 'string' || !(LRP_COMPOSITES.includes(name) || name === 'captum-default')) {
    throw new InvalidArgumentError(`unknown LRP composite '${String(name)}'; expected one of ${LRP_COMPOSITES.join(', ')}`);
  }
  checkNonNegative(options.epsilon, 'epsilon', 1e-9);
  checkNonNegative(options.gamma, 'gamma', 0.25);
  if (options.alpha !== undefined && !(Number.isFinite(options.alpha) && options.alpha >= 1)) {
    throw new InvalidArgumentError(`alpha must be a finite number ≥ 1 (β = α − 1), got ${String(options.alpha)}`);
  }
  checkBatchSize(options.internalBatchSize);
}

export class Lrp extends GradientMethod<LrpOptions> {
  readonly id = 'lrp';
  validateOptions(options: LrpOptions): void {
    requireRules(this.model, this.id);
    checkLrpOptions(options);
    lrpComposite(options);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: LrpOptions, target?: ResolvedTarget): number {
    const calls = chunkCount(rows, checkBatchSize(options.internalBatchSize));
    return !resolveTarget && target?.kind === 'index' ? calls : 2 * calls;
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: LrpOptions): Promise<CoreResult> {
    const n = x.shape[0]!;
    const max = checkBatchSize(options.internalBatchSize);
    if (target?.kind === 'index') return this.indexTargets(ctx, x, target, options, max);
    const outputs = await ctx.forwardRows(n, max, (s, e) => sliceRows(x, s, e));
    const resolved = targetOrPredicted(target, outputs);
    const canonizers = options.canonizers ?? [];
    const graph = requireGraph(ctx.model, this.id);
    const rules = lrpRules(canonizers.length > 0 ? applyCanonizers(graph, canonizers) : graph, options);
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
    await requestRows(ctx, n, max, (s, e) => sliceRows(x, s, e), relevanceSeed, () => ({ rules, ...(canonizers.length > 0 ? { canonizers } : {}) }), (s, _e, res) => {
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

  /** One rule-modified gradient call per chunk, seeded with e_t; rows scaled by f(x)_t afterwards (see the header). */
  private async indexTargets(ctx: ModelCaller, x: Tensor, target: ResolvedTarget & { kind: 'index' }, options: LrpOptions, max: number): Promise<CoreResult> {
    const n = x.shape[0]!;
    const canonizers = options.canonizers ?? [];
    const graph = requireGraph(ctx.model, this.id);
    const rules = lrpRules(canonizers.length > 0 ? applyCanonizers(graph, canonizers) : graph, options);
    const perOut = sizeOf(ctx.model.outputShape);
    const per = x.data.length / n;
    const attr = new Float32Array(n * per);
    const outputs: Tensor = { shape: [n, ...ctx.model.outputShape], data: new Float32Array(n * perOut) };
    await requestRows(ctx, n, max, (s, e) => sliceRows(x, s, e), target, () => ({ rules, ...(canonizers.length > 0 ? { canonizers } : {}) }), (s, _e, res) => {
      outputs.data.set(res.outputs.data, s * perOut);
      for (let i = 0; i < res.outputs.shape[0]!; i++) {
        const scale = res.outputs.data[i * perOut + target.indices[s + i]!]!;
        for (let j = 0; j < per; j++) attr[(s + i) * per + j] = scale * res.inputGradient.data[i * per + j]!;
      }
    });
    const delta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < per; j++) sum += attr[i * per + j]!;
      delta[i] = targetValue(outputs, i, target, i) - sum;
    }
    return { attributions: { shape: [...x.shape], data: attr }, outputs, target, delta };
  }
}

/** METHODS entry `lrp`: composite 'captum' (ε = 1e-9 on Gemm/MatMul/Conv/pools, ReLU pass-through). */
export const lrpMethod = ruleMethod('lrp', 'Layer-wise relevance propagation', ['target', 'composite', 'epsilon', 'gamma', 'alpha', 'internalBatchSize'], { composite: 'captum' }, (m, x, o) =>
  new Lrp(m).attribute(x, { ...common(o), composite: o.composite, epsilon: o.epsilon, gamma: o.gamma, alpha: o.alpha }),
);
