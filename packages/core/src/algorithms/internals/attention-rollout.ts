/**
 * Raw attention and attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in
 * Transformers").
 *
 * Raw attention: the attention probabilities of every layer and head, read from the Softmax
 * taps; its `relevance` is the last layer's head-averaged attention.
 *
 * Rollout: per layer l, average the heads (Ā_l), add the residual connection as an identity
 * (Ã_l = 0.5·Ā_l + 0.5·I), re-normalise the rows to sum 1, and multiply the layers from the input
 * up: R = Ã_L · … · Ã_2 · Ã_1. R[i, j] is how much of output token i's representation is traced
 * back to input token j. `residual: false` skips the identity (the product of raw attention).
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import {
  AttentionProgress,
  chunks,
  finish,
  headMean,
  identity,
  matmul,
  readAttention,
  setupAttention,
  type AttentionOptions,
  type AttentionResult,
  type AttentionStack,
} from './attention-common.js';

export interface RolloutOptions extends AttentionOptions {
  /** Add the residual identity (0.5·A + 0.5·I) before the product (default true). */
  readonly residual?: boolean;
}

/** Ã = 0.5·A + 0.5·I (when `residual`), rows normalised to sum 1 (rows summing to 0 stay 0). */
export function residualAttention(a: Float64Array, t: number, residual: boolean): Float64Array {
  const m = new Float64Array(a);
  if (residual) for (let i = 0; i < t * t; i++) m[i] = 0.5 * m[i]! + (i % (t + 1) === 0 ? 0.5 : 0);
  for (let i = 0; i < t; i++) {
    let s = 0;
    for (let j = 0; j < t; j++) s += m[i * t + j]!;
    if (s > 0) for (let j = 0; j < t; j++) m[i * t + j] = m[i * t + j]! / s;
  }
  return m;
}

/**
 * Rollout of head-averaged per-layer attention matrices (layer 0 = nearest the input):
 * R = Ã_{L−1} · … · Ã_0.
 */
export function rolloutMatrices(layers: readonly Float64Array[], t: number, residual = true): Float64Array {
  let r = identity(t);
  for (const a of layers) r = matmul(residualAttention(a, t, residual), r, t);
  return r;
}

/** Rollout of every example of a stack. */
export function rolloutStack(stack: AttentionStack, residual = true): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < stack.n; i++) {
    const layers = Array.from({ length: stack.layers }, (_, l) => headMean(stack, i, l));
    out.push(rolloutMatrices(layers, stack.tokens, residual));
  }
  return out;
}

/** Raw attention per layer and head; `relevance` = the last layer's head mean. */
export class RawAttention {
  readonly id = 'raw';
  constructor(private readonly model: Model) {}

  async attribute(x: Tensor, options: AttentionOptions = {}): Promise<AttentionResult> {
    const s = setupAttention(this.model, x, options, 'raw attention', false);
    const progress = new AttentionProgress(chunks(s).length, options);
    const { stack, outputs } = await readAttention(this.model, x, s, options, progress);
    const last = Array.from({ length: s.n }, (_, i) => headMean(stack, i, stack.layers - 1));
    return finish('raw', s, stack, last, outputs, new Array<number>(s.n).fill(-1));
  }
}

/** Attention rollout (Abnar & Zuidema 2020). */
export class AttentionRollout {
  readonly id = 'rollout';
  constructor(private readonly model: Model) {}

  async attribute(x: Tensor, options: RolloutOptions = {}): Promise<AttentionResult> {
    const s = setupAttention(this.model, x, options, 'attention rollout', false);
    if (options.residual !== undefined && typeof options.residual !== 'boolean') throw new InvalidArgumentError('residual must be true or false');
    const progress = new AttentionProgress(chunks(s).length, options);
    const { stack, outputs } = await readAttention(this.model, x, s, options, progress);
    return finish('rollout', s, stack, rolloutStack(stack, options.residual ?? true), outputs, new Array<number>(s.n).fill(-1));
  }
}
