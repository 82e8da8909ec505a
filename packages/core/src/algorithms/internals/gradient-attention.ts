/**
 * Gradient-weighted attention: Chefer, Gur & Wolf 2021, "Generic Attention-model Explainability
 * for Interpreting Bi-Modal and Encoder-Decoder Transformers", self-attention rule.
 *
 * Per layer l (from the input up), with A_l^h the attention probabilities of head h and ∇A_l^h
 * the gradient of the target output (one class score per example) with respect to them:
 *   Ā_l = mean_h (∇A_l^h ⊙ A_l^h)⁺          (⁺: negative values clipped to 0)
 *   R  ← R + Ā_l · R,                          starting from R = I (each token is its own source).
 * R[i, j] is the relevance of input token j to output token i; row `query` (the [CLS] token)
 * explains the classification. The gradients come from one gradient call with the attention
 * Softmax nodes as layer taps (`model.gradient(x, { seed, layers })`).
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import {
  AttentionProgress,
  chunks,
  finish,
  identity,
  matmul,
  matrixOffset,
  readAttentionGradients,
  setupAttention,
  type AttentionResult,
  type AttentionStack,
  type GradientAttentionOptions,
} from './attention-common.js';

/** Ā = mean_h (grad ⊙ attention)⁺ for example i, layer l. */
export function weightedHeadMean(attention: AttentionStack, grads: AttentionStack, i: number, l: number): Float64Array {
  const tt = attention.tokens * attention.tokens;
  const m = new Float64Array(tt);
  const heads = attention.layerHeads[l]!;
  for (let h = 0; h < heads; h++) {
    const o = matrixOffset(attention, i, l, h);
    for (let j = 0; j < tt; j++) {
      const v = attention.data[o + j]! * grads.data[o + j]!;
      if (v > 0) m[j] += v;
    }
  }
  for (let j = 0; j < tt; j++) m[j] /= heads;
  return m;
}

/** R = I, then R ← R + Ā_l·R for each layer's Ā (layer 0 nearest the input). */
export function cheferRelevance(weighted: readonly Float64Array[], t: number): Float64Array {
  let r = identity(t);
  for (const a of weighted) {
    const ar = matmul(a, r, t);
    for (let k = 0; k < r.length; k++) ar[k] += r[k]!;
    r = ar;
  }
  return r;
}

/** Gradient-weighted attention relevance (Chefer et al. 2021). Needs gradients and layer taps. */
export class GradientWeightedAttention {
  readonly id = 'grad-attention';
  constructor(private readonly model: Model) {}

  async attribute(x: Tensor, options: GradientAttentionOptions = {}): Promise<AttentionResult> {
    const s = setupAttention(this.model, x, options, 'gradient-weighted attention', true);
    const calls = chunks(s).length * (options.target === undefined ? 2 : 1);
    const progress = new AttentionProgress(calls, options);
    const { stack, grads, outputs, targets } = await readAttentionGradients(this.model, x, s, options, progress);
    const rel = Array.from({ length: s.n }, (_, i) =>
      cheferRelevance(Array.from({ length: stack.layers }, (_, l) => weightedHeadMean(stack, grads, i, l)), s.tokens),
    );
    return finish('grad-attention', s, stack, rel, outputs, targets, grads);
  }
}
