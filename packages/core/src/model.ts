/**
 * The `Model` interface: the only thing algorithms are written against.
 *
 * Every call is batched: `x` has shape [N, ...inputShape]. Gradients are vector-Jacobian
 * products of one chosen output per example (a class index) or of a custom output seed.
 */
import type { Tensor } from './tensor.js';
import type { Graph } from './ir/graph.js';
import type { Canonizer } from './rules/canonizers.js';
import type { RuleAssignment } from './rules/rule.js';

/** How the scalar whose gradient is taken is formed from the model output, per example. */
export type OutputSeed =
  /** Per example, the flat index into the per-example output (the class index for logits). */
  | { readonly kind: 'index'; readonly indices: readonly number[] }
  /** A tensor of the output's shape [N, ...outputShape]: the VJP seed itself. */
  | { readonly kind: 'tensor'; readonly seed: Tensor };

export interface Capabilities {
  /** `gradient()` works (input VJP). */
  readonly gradients: boolean;
  /** Named layers can be tapped (activations, layer gradients, overrides). */
  readonly layers: boolean;
  /** `gradient()` honours `rules` (propagation-rule modified VJP). */
  readonly rules: boolean;
}

export interface CallOptions {
  /**
   * Abort this call: it rejects with AbortError. Every model checks the signal when the call
   * starts; graph-backed models (reference executor, tfjs, gpu.js) also check it *inside* the call,
   * between graph nodes (forward, VJP and rule-modified VJP), yielding to the event loop every
   * ABORT_YIELD_MS (10 ms) of work, so an abort lands within about one graph node even on a
   * synchronous backend. A call with a signal that is never aborted returns the same bits as
   * one without; a call without a signal runs synchronously, node by node, without yielding.
   */
  readonly signal?: AbortSignal;
}

export interface GradientRequest extends CallOptions {
  readonly seed: OutputSeed;
  /** Layers whose activations and gradients (of the seeded output) are returned. */
  readonly layers?: readonly string[];
  /**
   * Replace a layer's output by the given tensor ([N, ...layerShape]) during the forward pass.
   * Gradients then flow to that tensor (used by layer integrated gradients and conductance).
   */
  readonly overrides?: Readonly<Record<string, Tensor>>;
  /** Propagation rules per graph node. Needs `capabilities.rules`. */
  readonly rules?: RuleAssignment;
  /**
   * Reference input (same shape as x) for rules that need reference activations (DeepLIFT).
   * Ignored by rules that do not.
   */
  readonly reference?: Tensor;
  /**
   * Graph rewrites applied before this call (e.g. foldBatchNorm, splitResidualSums; needs
   * `capabilities.rules`). IR-backed models apply a canonizer list once and cache the result per
   * list (keyed by canonizer names); `rules`, `layers` and `overrides` then name nodes of the
   * CANONIZED graph (resolve composites against `applyCanonizers(model.graph, canonizers)`).
   */
  readonly canonizers?: readonly Canonizer[];
}

export interface LayerTap {
  readonly activation: Tensor;
  readonly gradient: Tensor;
}

export interface GradientResult {
  /** Model outputs [N, ...outputShape]. */
  readonly outputs: Tensor;
  /** d(seeded output)/d(input), [N, ...inputShape]. */
  readonly inputGradient: Tensor;
  /** Requested layer taps. */
  readonly layers: Readonly<Record<string, LayerTap>>;
}

export interface ActivationResult {
  readonly outputs: Tensor;
  readonly layers: Readonly<Record<string, Tensor>>;
}

export interface Model {
  /** Per-example input shape (no batch dimension), in the model's native layout. */
  readonly inputShape: readonly number[];
  /** Per-example output shape. */
  readonly outputShape: readonly number[];
  readonly capabilities: Capabilities;
  /** Names of layers that may be tapped (empty when `capabilities.layers` is false). */
  readonly layerNames: readonly string[];
  /**
   * Optional: the name in `layerNames` that a layer name or alias stands for (e.g. an ONNX tensor
   * name or a PyTorch module path on an imported ONNX model). Layer and neuron methods call it
   * for names not in `layerNames`. Throws UnknownLayerError (nearest names as candidates) when
   * the name means no layer, FoldedLayerError when it names a module the exporter folded away.
   * Models without it accept exactly `layerNames`.
   */
  resolveLayer?(name: string): string;
  /**
   * The IR graph the model runs, when it has one (graph-backed adapters): composites resolve
   * against it (`resolveComposite(composite, model.graph)`). Absent for opaque models.
   */
  readonly graph?: Graph;
  /** Human-readable description of the backend (e.g. "reference", "tfjs-wasm"). */
  readonly backend: string;
  /**
   * Optional: the most rows (examples) the model runs in one backend call, from its activation
   * memory and its backend's memory budget (docs/architecture.md, "Memory bounds"); the model
   * splits larger calls itself. Methods that choose their own chunk (the path methods when
   * `internalBatchSize` is unset) send at most this many rows a call, so progress and abort
   * follow the backend's calls.
   */
  readonly maxRowsPerCall?: number;
  forward(x: Tensor, options?: CallOptions): Promise<Tensor>;
  /** Throws `CapabilityError` when `capabilities.gradients` is false. */
  gradient(x: Tensor, request: GradientRequest): Promise<GradientResult>;
  /** Throws `CapabilityError` when `capabilities.layers` is false. */
  activations(x: Tensor, layers: readonly string[], options?: CallOptions): Promise<ActivationResult>;
  dispose(): void | Promise<void>;
}
