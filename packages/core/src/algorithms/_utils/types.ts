/** Option and result types shared by every attribution algorithm (no imports of algorithm code). */
import type { OutputSeed } from '../../model.js';
import type { Tensor } from '../../tensor.js';

/**
 * What to explain, per example: a class index for all examples, one index per example, or an
 * explicit output seed. `undefined` means each example's predicted class (argmax of the
 * flattened output, first maximum on ties), found by one forward pass.
 */
export type Target = number | readonly number[] | OutputSeed;

export interface Progress {
  /** Model calls finished. */
  readonly done: number;
  /** Model calls planned in total. */
  readonly total: number;
}

export interface CommonOptions {
  readonly target?: Target;
  readonly signal?: AbortSignal;
  /** Called after every model call. */
  readonly onProgress?: (p: Progress) => void;
  /**
   * Most rows (examples × expansion) sent to the model in one call; larger expanded batches are
   * split into chunks. Does not change the results. Default: everything in one call, except for
   * the path methods (integrated gradients and its layer / neuron variants, conductance,
   * GradientSHAP, NoiseTunnel over them), which send at most min(16,384, ⌊2²² / input values per
   * row⌋) rows a call (`pathBatchSize`), so that memory does not grow with steps or samples;
   * their default 50 steps on a batch of small inputs still take one call.
   */
  readonly internalBatchSize?: number;
}

export interface AttributionResult {
  /** Method id (registry id, e.g. 'integrated-gradients'). */
  readonly method: string;
  /** [N, ...inputShape]. */
  readonly attributions: Tensor;
  /**
   * Convergence deltas where the method defines one: Σ attributions − (f(x) − f(baseline)) of the
   * target output. Integrated gradients: one per example. GradientShap and NoiseTunnel over a
   * method with a delta: one per perturbed sample, N × nSamples, the samples of an example
   * contiguous (Captum's layout).
   */
  readonly delta?: Float32Array;
  /** Model outputs on the (unperturbed) inputs, [N, ...outputShape]. */
  readonly outputs: Tensor;
  /** The class index explained per example; −1 where an explicit tensor seed was given. */
  readonly targets: number[];
  /** Number of model calls (forward and gradient) made. */
  readonly modelCalls: number;
}

/** A target resolved against a batch of N examples. */
export type ResolvedTarget =
  | { readonly kind: 'index'; readonly indices: readonly number[] }
  | { readonly kind: 'tensor'; readonly seed: Tensor };

/** DeepLIFT multiplier rule (here so that the uniform MethodOptions can name it without importing the algorithm). */
export type DeepLiftRule = 'rescale' | 'reveal-cancel';
