import type { Graph } from './ir/graph.js';
import type { Kernels } from './ir/kernels.js';
import type { Tensor } from './tensor.js';
import type { ActivationResult, CallOptions, Capabilities, GradientRequest, GradientResult, Model } from './model.js';

/** How a GraphModel talks to a backend. */
export interface BackendBinding<T> {
  readonly kernels: Kernels<T>;
  readonly name: string;
  /** Run fn in a memory scope (e.g. tf.tidy): values returned by fn survive, the rest is freed. */
  scope?<R>(fn: () => R): R;
  /** Read a device value back to the host (default: kernels.toHost). */
  read?(t: T): Promise<Tensor>;
  /** Free a container of device values returned from `scope`. */
  release?(value: unknown): void;
}

export class GraphModel<T> implements Model {
  readonly inputShape: readonly number[] = [];
  readonly outputShape: readonly number[] = [];
  readonly capabilities: Capabilities = { gradients: true, layers: true, rules: true };
  readonly layerNames: readonly string[] = [];
  readonly backend: string;
  constructor(_graph: Graph, binding: BackendBinding<T>) {
    this.backend = binding.name;
  }
  forward(_x: Tensor, _options?: CallOptions): Promise<Tensor> {
    throw new Error('not implemented yet');
  }
  gradient(_x: Tensor, _request: GradientRequest): Promise<GradientResult> {
    throw new Error('not implemented yet');
  }
  activations(_x: Tensor, _layers: readonly string[], _options?: CallOptions): Promise<ActivationResult> {
    throw new Error('not implemented yet');
  }
  dispose(): void {}
}
