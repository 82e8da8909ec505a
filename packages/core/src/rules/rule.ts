/**
 * Propagation rules as data (zennit-style). A rule changes how one graph node propagates
 * the backward signal. An executor applies a rule generically, from its per-op forward and
 * VJP kernels: no rule is implemented per backend.
 *
 * For a node f with data input x, parameters θ and incoming signal g, the rule computes
 *
 *   for each term t:  x_t = t.input(x),  θ_t = t.params(θ),  z_t = f(x_t; θ_t)
 *                     s_t = gradient(g, z_t)                  (gradient mapper)
 *                     c_t = VJP_f(x_t; θ_t)[s_t]   (or s_t when vjp = 'identity')
 *   out = Σ_t t.weight · reduce(x_t, c_t)
 *
 * with reduce 'gradient' → c_t and 'input-times-gradient' → x_t ⊙ c_t (relevance).
 * The plain gradient is one term, identity mapper, standard VJP, 'gradient' reducer.
 */

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
  /** parameters only: bias (second parameter) set to zero */
  | { readonly kind: 'no-bias' };

/** Maps the incoming signal g (and the term's forward output z) to the VJP seed. */
export type GradientMapper =
  | { readonly kind: 'identity' }
  /** max(g, 0): guided backprop and deconvolution. */
  | { readonly kind: 'relu' }
  /** g / (z + ε·sign(z)), sign(0) = +1: LRP normalisation. */
  | { readonly kind: 'normalize'; readonly epsilon: number };

export interface RuleTerm {
  readonly weight: number;
  readonly input?: TensorModifier;
  readonly params?: TensorModifier;
}

export interface Rule {
  /** Stable id, e.g. 'gradient', 'guided-relu', 'epsilon'. */
  readonly name: string;
  readonly terms: readonly RuleTerm[];
  readonly gradient: GradientMapper;
  /**
   * 'standard': the op's VJP (gates and weights included).
   * 'identity': pass the mapped signal through unchanged (deconvolution's ReLU). Only for
   * shape-preserving element-wise ops.
   * 'secant': DeepLIFT rescale multiplier Δy/Δx against the reference forward pass
   * (falls back to the standard VJP where |Δx| is below `secantEpsilon`).
   */
  readonly vjp: 'standard' | 'identity' | 'secant';
  readonly secantEpsilon?: number;
  readonly reducer: 'gradient' | 'input-times-gradient';
}

/** Per-node rules, keyed by graph node name. Nodes not listed use the plain gradient. */
export type RuleAssignment = Readonly<Record<string, Rule>>;

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
