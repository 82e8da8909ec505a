/**
 * Forward-only models from a function, and a spy wrapper that records every call.
 */
import type { ActivationResult, Capabilities, CallOptions, GradientRequest, GradientResult, Model } from '../model.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { CapabilityError, ShapeError, throwIfAborted } from '../errors.js';

export interface FunctionModelShapes {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly name?: string;
}

/**
 * A model whose forward pass is `fn` (batched: [N, ...inputShape] → [N, ...outputShape]).
 * Capabilities are all false: `gradient()` and `activations()` throw CapabilityError.
 */
export function functionModel(fn: (x: Tensor) => Tensor | Promise<Tensor>, shapes: FunctionModelShapes): Model {
  const inputShape = [...shapes.inputShape];
  const outputShape = [...shapes.outputShape];
  const backend = shapes.name ?? 'function (forward only)';
  const capabilities: Capabilities = { gradients: false, layers: false, rules: false };
  return {
    inputShape,
    outputShape,
    capabilities,
    layerNames: [],
    backend,
    async forward(x: Tensor, options?: CallOptions): Promise<Tensor> {
      throwIfAborted(options?.signal);
      if (x.shape.length !== inputShape.length + 1 || inputShape.some((d, i) => x.shape[i + 1] !== d)) {
        throw new ShapeError(`input has shape [${x.shape.join(', ')}], expected [N, ${inputShape.join(', ')}]`);
      }
      const y = await fn(x);
      const want = [x.shape[0]!, ...outputShape];
      if (y.shape.length !== want.length || want.some((d, i) => y.shape[i] !== d) || y.data.length !== sizeOf(want)) {
        throw new ShapeError(`function returned shape [${y.shape.join(', ')}], expected [${want.join(', ')}]`);
      }
      return y;
    },
    async gradient(_x: Tensor, _request: GradientRequest): Promise<GradientResult> {
      throw new CapabilityError(`${backend}: gradients are not available for a forward-only function model`);
    },
    async activations(_x: Tensor, _layers: readonly string[]): Promise<ActivationResult> {
      throw new CapabilityError(`${backend}: layer activations are not available`);
    },
    dispose(): void {},
  };
}

export interface ModelCall {
  readonly kind: 'forward' | 'gradient' | 'activations';
  /** Rows (batch size) of the call. */
  readonly rows: number;
}

/** Wraps a model and records every call (kind and batch size), e.g. to check batching. */
export function spyModel(model: Model): { model: Model; calls: ModelCall[] } {
  const calls: ModelCall[] = [];
  const wrapped: Model = {
    get inputShape() {
      return model.inputShape;
    },
    get outputShape() {
      return model.outputShape;
    },
    get capabilities() {
      return model.capabilities;
    },
    get layerNames() {
      return model.layerNames;
    },
    get backend() {
      return model.backend;
    },
    forward(x, options) {
      calls.push({ kind: 'forward', rows: x.shape[0] ?? 0 });
      return model.forward(x, options);
    },
    gradient(x, request) {
      calls.push({ kind: 'gradient', rows: x.shape[0] ?? 0 });
      return model.gradient(x, request);
    },
    activations(x, layers, options) {
      calls.push({ kind: 'activations', rows: x.shape[0] ?? 0 });
      return model.activations(x, layers, options);
    },
    dispose() {
      return model.dispose();
    },
  };
  return { model: wrapped, calls };
}
