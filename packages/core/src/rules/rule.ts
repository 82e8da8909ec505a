/**
 * Propagation rules as data (zennit-style). A rule changes how one graph node propagates
 * the backward signal. An executor applies a rule generically, from its per-op forward and
 * VJP kernels: no rule is implemented per backend.
 *
 * For a node f with data input x, parameters θ and incoming signal g, the rule computes
 *
 *   for each term t:  x_t = t.input(x),  θ_t = t.params(θ),  z_t = f(x_t; θ_t)
 *   for each group G: Z_G = Σ_{t∈G} t.weight · z_t
 *                     s_G = gradient(g, Z_G)                  (gradient mapper)
 *   for each term t:  c_t = VJP_f(x_t; θ_t)[s_G(t)]   (or s_G(t) when vjp = 'identity'; DeepLIFT: 'secant')
 *   out = Σ_G groupWeights[G] · Σ_{t∈G} t.weight · reduce(x_t, c_t)
 *
 * A term without `group` is a group of its own in which it has weight 1, and its `weight` is
 * the group weight (so it is normalised by its own z_t, and weights only scale the output).
 *
 * with reduce 'gradient' → c_t and 'input-times-gradient' → x_t ⊙ c_t (relevance).
 * The plain gradient is one term, identity mapper, standard VJP, 'gradient' reducer.
 *
 * Grouping normalises several terms TOGETHER: α-β puts x⁺W⁺ and x⁻W⁻ in one group (weight α)
 * and x⁺W⁻ and x⁻W⁺ in another (weight −β); zᴮ puts x·W, −l·W⁺ and −h·W⁻ in one group, so
 * its denominator is Σᵢ xᵢwᵢⱼ − lᵢw⁺ᵢⱼ − hᵢw⁻ᵢⱼ. Every rule of rules/presets.ts is a few lines of this data.
 */
import type { Tensor } from '../tensor.js';

/** Element-wise modification of a node's data input or of its parameters. */
export type TensorModifier =
  | { readonly kind: 'identity' }
  /** max(v, 0) */
  | { readonly kind: 'positive' }
  /** min(v, 0) */
  | { readonly kind: 'negative' }
  /** v + γ·max(v, 0) */
  | { readonly kind: 'gamma'; readonly gamma: number }
  /** v², applied to parameters (w²-rule) */
  | { readonly kind: 'square' }
  /** every element set to `value` (flat rule: 1, zᴮ bounds) */
  | { readonly kind: 'constant'; readonly value: number }
  /**
   * every element replaced by `values`, broadcast numpy-style to the modified tensor (zᴮ with
   * per-element or per-channel bounds: shape [...inputShape] or e.g. [1, C, 1, 1]).
   */
  | { readonly kind: 'values'; readonly values: Tensor }
  /** parameters only: bias (second parameter) set to zero */
  | { readonly kind: 'no-bias' };

/** One modifier, or a chain applied left to right (e.g. `[{kind:'negative'}, {kind:'no-bias'}]`). */
export type ModifierChain = TensorModifier | readonly TensorModifier[];

/** Maps the incoming signal g (and the group's forward output Z) to the VJP seed. */
export type GradientMapper =
  | { readonly kind: 'identity' }
  /** max(g, 0): guided backprop and deconvolution. */
  | { readonly kind: 'relu' }
  /**
   * g / (Z + ε·sign(Z)), sign(0) = +1: LRP normalisation. Where the stabilised denominator is
   * exactly 0 (ε = 0 and Z = 0, e.g. an empty α-β group) the mapped signal is 0, never NaN.
   */
  | { readonly kind: 'normalize'; readonly epsilon: number };

export interface RuleTerm {
  /** Coefficient of the term, in its group's denominator and in the output. */
  readonly weight: number;
  readonly input?: ModifierChain;
  readonly params?: ModifierChain;
  /** Terms with the same group id are normalised together (default: the term alone). */
  readonly group?: string;
}

/**
 * How a rule's VJP is formed:
 * - 'standard': the op's VJP (gates and weights included).
 * - 'identity': pass the mapped signal through unchanged (pass-through, deconvolution's ReLU).
 *   Only for shape-preserving element-wise ops.
 * - 'secant': DeepLIFT multipliers against the reference forward pass, chosen so that
 *   Σ multiplier·Δx = Δy holds exactly (summation-to-delta): Δy/Δx on element-wise ops (the
 *   standard VJP where |Δx| < `secantEpsilon`); on MaxPool Captum's cross-maximum routing
 *   (max(Δy, 0) to the window's argmax in x, min(Δy, 0) to its argmax in the reference, over Δx
 *   at each element; see ir/secant.ts); Shapley averages on Mul/Div of two data tensors; the
 *   standard VJP on linear and shape ops (exact there).
 * - 'reveal-cancel': DeepLIFT RevealCancel on an element-wise nonlinearity whose producer is a
 *   linear node with one data input (Gemm, Conv, ConvTranspose, MatMul): the rule propagates
 *   through BOTH nodes, splitting the producer's Δ into positive and negative contributions
 *   (see ir/reveal-cancel.ts).
 */
export type RuleVjp = 'standard' | 'identity' | 'secant' | 'reveal-cancel';

export interface Rule {
  /** Stable id, e.g. 'gradient', 'guided-relu', 'epsilon'. */
  readonly name: string;
  readonly terms: readonly RuleTerm[];
  readonly gradient: GradientMapper;
  readonly vjp: RuleVjp;
  /** |Δx| below which 'secant' / 'reveal-cancel' fall back to the standard derivative (default 1e-10). */
  readonly secantEpsilon?: number;
  readonly reducer: 'gradient' | 'input-times-gradient';
  /** Output weight per group id (default 1): α and −β of the α-β rule. */
  readonly groupWeights?: Readonly<Record<string, number>>;
}

/** Per-node rules, keyed by graph node name. Nodes not listed use the plain gradient. */
export type RuleAssignment = Readonly<Record<string, Rule>>;

/** Rules whose VJP needs the reference forward pass (`GradientRequest.reference`). */
export function ruleNeedsReference(rule: Rule): boolean {
  return rule.vjp === 'secant' || rule.vjp === 'reveal-cancel';
}

const ONE_TERM: readonly RuleTerm[] = [{ weight: 1 }];

/** The plain gradient: what a node does when no rule is assigned. */
export const gradientRule: Rule = {
  name: 'gradient',
  terms: ONE_TERM,
  gradient: { kind: 'identity' },
  vjp: 'standard',
  reducer: 'gradient',
};

/** Guided backpropagation's ReLU: only positive signal passes, through positive activations. */
export const guidedReluRule: Rule = {
  name: 'guided-relu',
  terms: ONE_TERM,
  gradient: { kind: 'relu' },
  vjp: 'standard',
  reducer: 'gradient',
};
