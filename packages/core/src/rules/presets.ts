/**
 * The rule presets: each LRP / DeepLIFT / guided rule as a few lines of Rule data (rules/rule.ts).
 * Notation for a linear layer z_j = Σ_i x_i w_ij + b_j and incoming relevance R_j:
 *
 *   epsilon(ε)     R_i = Σ_j x_i w_ij R_j / (z_j + ε·sign z_j)           (bias absorbs its share)
 *   gamma(γ, ε)    w → w + γ·w⁺, b → b + γ·b⁺, then as epsilon            (Captum's GammaRule; x ≥ 0 layers)
 *   alphaBeta(α,β) α·(x⁺w⁺ + x⁻w⁻ [+ b⁺]) / Σ(…)  −  β·(x⁺w⁻ + x⁻w⁺ [+ b⁻]) / Σ(…),  α − β = 1
 *   zPlus()        (x⁺w⁺ + x⁻w⁻) / Σ(…), biases ignored  (= α1β0 without bias; x⁺w⁺ for x ≥ 0)
 *   zBox(l, h)     (x_i w_ij − l_i w⁺_ij − h_i w⁻_ij) / Σ_i(…)            (bounded input layer, biases ignored)
 *   flat()         R_i = Σ_j R_j / #inputs of j                            (x → 1, w → 1, no bias)
 *   wSquare()      R_i = Σ_j w_ij² R_j / Σ_i w_ij²                         (x → 1, w → w², no bias)
 *   passThrough    R_in = R_out on element-wise ops (identity VJP)
 *
 * LRP through Sigmoid / Tanh (and any element-wise activation): `passThrough` — the relevance of
 * an activation's output is handed to its pre-activation unchanged. An element-wise activation
 * maps one pre-activation to one output, so there is nothing to redistribute: the activation is
 * treated as part of the neuron, relevance is conserved exactly, and the next linear rule down
 * (ε, z⁺, …) does the redistribution using the activation's output as its input x. The plain
 * gradient would instead multiply relevance by σ′(z) ≤ ¼ (tanh′ ≤ 1), destroying conservation;
 * Captum raises for Sigmoid. zennit's composites treat activations the same way.
 *
 * `stabilizer` defaults: ε rules take ε = 1e-6 unless given (Captum's default composite uses 1e-9,
 * see composites.ts); grouped rules (α-β, z⁺, zᴮ) use ε = 1e-6 and map a zero denominator to zero.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Rule, RuleTerm, TensorModifier } from './rule.js';

const POS = { kind: 'positive' } as const;
const NEG = { kind: 'negative' } as const;
const NO_BIAS = { kind: 'no-bias' } as const;

function lrp(name: string, terms: readonly RuleTerm[], epsilon: number, extra: Partial<Rule> = {}): Rule {
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) throw new InvalidArgumentError(`${name}: epsilon must be a finite number >= 0, got ${epsilon}`);
  return { name, terms, gradient: { kind: 'normalize', epsilon }, vjp: 'standard', reducer: 'input-times-gradient', ...extra };
}

/** LRP-ε (ε = 0: LRP-0). Biases absorb their share of relevance. */
export function epsilon(eps = 1e-6): Rule {
  return lrp('epsilon', [{ weight: 1 }], eps);
}

/** LRP-γ: parameters w + γ·w⁺ (biases too), normalised with ε. Meant for layers with x ≥ 0. */
export function gamma(g = 0.25, eps = 1e-6): Rule {
  if (!(Number.isFinite(g) && g >= 0)) throw new InvalidArgumentError(`gamma must be a finite number >= 0, got ${g}`);
  return lrp('gamma', [{ weight: 1, params: { kind: 'gamma', gamma: g } }], eps);
}

/**
 * LRP-αβ with α − β = 1 (α ≥ 1, β ≥ 0). Positive contributions (x⁺w⁺, x⁻w⁻, b⁺) are normalised
 * together and weighted α; negative ones (x⁺w⁻, x⁻w⁺, b⁻) together and weighted −β.
 */
export function alphaBeta(alpha = 2, beta = 1, eps = 1e-6): Rule {
  if (!(Number.isFinite(alpha) && Number.isFinite(beta) && beta >= 0 && Math.abs(alpha - beta - 1) < 1e-9)) {
    throw new InvalidArgumentError(`alphaBeta needs α − β = 1 with β ≥ 0, got α = ${alpha}, β = ${beta}`);
  }
  return lrp(
    `alpha${alpha}-beta${beta}`,
    [
      { weight: 1, group: 'positive', input: POS, params: POS },
      { weight: 1, group: 'positive', input: NEG, params: [NEG, NO_BIAS] },
      { weight: 1, group: 'negative', input: POS, params: NEG },
      { weight: 1, group: 'negative', input: NEG, params: [POS, NO_BIAS] },
    ],
    eps,
    { groupWeights: { positive: alpha, negative: -beta } },
  );
}

/** LRP-z⁺: positive contributions only (x⁺w⁺ + x⁻w⁻), biases ignored. */
export function zPlus(eps = 1e-6): Rule {
  return lrp(
    'z-plus',
    [
      { weight: 1, group: 'positive', input: POS, params: [POS, NO_BIAS] },
      { weight: 1, group: 'positive', input: NEG, params: [NEG, NO_BIAS] },
    ],
    eps,
  );
}

function bound(v: number | Tensor, what: string): TensorModifier {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`zBox: ${what} must be finite, got ${v}`);
    return { kind: 'constant', value: v };
  }
  if (!v || !(v.data instanceof Float32Array) || !Array.isArray(v.shape)) throw new InvalidArgumentError(`zBox: ${what} must be a number or a tensor`);
  return { kind: 'values', values: v };
}

/**
 * LRP-zᴮ for an input layer with inputs bounded by [low, high] (numbers, or tensors broadcasting
 * to the input, e.g. per channel [1, C, 1, 1] or per element [...inputShape]); biases ignored.
 */
export function zBox(low: number | Tensor, high: number | Tensor, eps = 1e-6): Rule {
  return lrp(
    'z-box',
    [
      { weight: 1, group: 'box', params: NO_BIAS },
      { weight: -1, group: 'box', input: bound(low, 'low'), params: [POS, NO_BIAS] },
      { weight: -1, group: 'box', input: bound(high, 'high'), params: [NEG, NO_BIAS] },
    ],
    eps,
  );
}

/** Flat rule: relevance spread uniformly over each output's receptive field. */
export function flat(): Rule {
  return lrp('flat', [{ weight: 1, input: { kind: 'constant', value: 1 }, params: [{ kind: 'constant', value: 1 }, NO_BIAS] }], 0);
}

/** w²-rule: relevance spread in proportion to squared weights. */
export function wSquare(): Rule {
  return lrp('w-square', [{ weight: 1, input: { kind: 'constant', value: 1 }, params: [{ kind: 'square' }, NO_BIAS] }], 0);
}

/** Relevance (or any signal) passes an element-wise op unchanged: LRP through activations. */
export const passThrough: Rule = { name: 'pass-through', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'identity', reducer: 'gradient' };

/** Guided backprop's ReLU: relu(signal) through the forward gate. */
export const guidedRelu: Rule = { name: 'guided-relu', terms: [{ weight: 1 }], gradient: { kind: 'relu' }, vjp: 'standard', reducer: 'gradient' };

/** Deconvolution's ReLU: relu(signal), ignoring the forward gate. */
export const deconvRelu: Rule = { name: 'deconv-relu', terms: [{ weight: 1 }], gradient: { kind: 'relu' }, vjp: 'identity', reducer: 'gradient' };

/** DeepLIFT Rescale (secant multipliers; see ir/secant.ts). `eps`: |Δx| below which the gradient is used. */
export function rescale(eps = 1e-10): Rule {
  return { name: 'rescale', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'secant', secantEpsilon: eps, reducer: 'gradient' };
}

/** DeepLIFT RevealCancel on an element-wise nonlinearity after a linear node (see ir/reveal-cancel.ts). */
export function revealCancel(eps = 1e-10): Rule {
  return { name: 'reveal-cancel', terms: [{ weight: 1 }], gradient: { kind: 'identity' }, vjp: 'reveal-cancel', secantEpsilon: eps, reducer: 'gradient' };
}
