/**
 * `fromFunction`: a forward-only Model from a batched async function (a remote endpoint, a model
 * in another runtime, any black box). Perturbation methods (occlusion, ablation, Shapley values,
 * KernelSHAP, LIME, permutation importance) explain it; gradient methods refuse it with a
 * CapabilityError.
 */
import type { ActivationResult, Capabilities, CallOptions, GradientRequest, GradientResult, Model } from './model.js';
import { sizeOf, type Tensor } from './tensor.js';
import { CapabilityError, InvalidArgumentError, ShapeError, throwIfAborted } from './errors.js';

export interface FromFunctionOptions {
  /** Per-example input shape (no batch dimension). */
  readonly inputShape: readonly number[];
  /** Per-example output shape. */
  readonly outputShape: readonly number[];
  /** Backend description (default 'function'). */
  readonly name?: string;
}

function checkShape(shape: unknown, name: string): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(`${name} must be an array of positive integers, got ${JSON.stringify(shape)}`);
  }
  return [...(shape as number[])];
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/**
 * Wraps `fn`, which maps a batch [N, ...inputShape] to [N, ...outputShape], as a Model with all
 * capabilities false. `forward` checks the input and output shapes (ShapeError) and honours an
 * abort signal before and after the call; `gradient` and `activations` throw CapabilityError.
 */
export function fromFunction(fn: (x: Tensor) => Promise<Tensor>, options: FromFunctionOptions): Model {
  if (typeof fn !== 'function') throw new InvalidArgumentError('fromFunction needs a function (x: Tensor) => Promise<Tensor>');
  const inputShape = checkShape(options?.inputShape, 'inputShape');
  const outputShape = checkShape(options?.outputShape, 'outputShape');
  const backend = options.name ?? 'function';
  const capabilities: Capabilities = { gradients: false, layers: false, rules: false };
  return {
    inputShape,
    outputShape,
    capabilities,
    layerNames: [],
    backend,
    async forward(x: Tensor, call?: CallOptions): Promise<Tensor> {
      throwIfAborted(call?.signal);
      if (x.shape.length !== inputShape.length + 1 || inputShape.some((d, i) => x.shape[i + 1] !== d)) {
        throw new ShapeError(`${backend}: input has shape ${fmt(x.shape)}, expected [N, ${inputShape.join(', ')}]`);
      }
      const y = await fn(x);
      throwIfAborted(call?.signal);
      const want = [x.shape[0]!, ...outputShape];
      if (
        !y ||
        !Array.isArray(y.shape) ||
        !(y.data instanceof Float32Array) ||
        y.shape.length !== want.length ||
        want.some((d, i) => y.shape[i] !== d) ||
        y.data.length !== sizeOf(want)
      ) {
        throw new ShapeError(`${backend}: function returned shape ${fmt(y?.shape ?? [])}, expected ${fmt(want)}`);
      }
      return y;
    },
    async gradient(_x: Tensor, _request: GradientRequest): Promise<GradientResult> {
      throw new CapabilityError(`${backend}: gradients are not available for a forward-only function model`);
    },
    async activations(_x: Tensor, _layers: readonly string[]): Promise<ActivationResult> {
      throw new CapabilityError(`${backend}: layer activations are not available for a forward-only function model`);
    },
    dispose(): void {},
  };
}
