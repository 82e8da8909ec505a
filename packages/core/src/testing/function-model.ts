/**
 * Forward-only models from a function, and a spy wrapper that records every call.
 */
import type { Model } from '../model.js';
import type { Tensor } from '../tensor.js';
import { fromFunction } from '../function-model.js';

export interface FunctionModelShapes {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly name?: string;
}

/**
 * A model whose forward pass is `fn` (batched: [N, ...inputShape] → [N, ...outputShape]): the
 * public `fromFunction` (default name 'function (forward only)'), accepting a synchronous `fn`.
 * Capabilities are all false: `gradient()` and `activations()` throw CapabilityError.
 */
export function functionModel(fn: (x: Tensor) => Tensor | Promise<Tensor>, shapes: FunctionModelShapes): Model {
  return fromFunction(async (x) => fn(x), { ...shapes, name: shapes.name ?? 'function (forward only)' });
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
