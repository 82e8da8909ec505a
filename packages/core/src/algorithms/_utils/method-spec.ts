/**
 * The method-spec contract: the uniform option set (`MethodOptions`), a registry entry
 * (`MethodSpec`) and the entry factory `spec`, which brands what it makes so that registry.ts can
 * collect every entry the family indexes export (`isMethodSpec`). Imports no algorithm, so
 * algorithm files (whose entries live at their end) and the registry can both depend on it.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Capabilities } from '../../model.js';
import type { AttributionResult, DeepLiftRule, Progress, Target } from './types.js';
import type { Quadrature } from './approximation.js';
import type { FeatureMaskInput } from './perturbation/index.js';
import type { Interpolation } from './interpolate.js';

export interface MethodOptions {
  readonly target?: Target;
  readonly baselines?: number | Tensor;
  readonly steps?: number;
  readonly quadrature?: Quadrature;
  readonly abs?: boolean;
  readonly samples?: number;
  readonly stdev?: number;
  readonly seed?: number;
  readonly internalBatchSize?: number;
  /** Layer name, for layer methods. */
  readonly layer?: string;
  /** Perturbation methods: group id per input element (feature-ablation, feature-permutation, shapley-*). */
  readonly featureMask?: FeatureMaskInput;
  /** Occlusion: window extent per input dimension (required). */
  readonly window?: readonly number[];
  /** Occlusion: step per dimension, or one for all (default 1). */
  readonly strides?: number | readonly number[];
  /** Perturbation methods: most perturbations per model call (never changes results). */
  readonly perturbationsPerEval?: number;
  /** DeepLIFT rule: 'rescale' (default) or 'reveal-cancel'. */
  readonly rule?: DeepLiftRule;
  /** LRP composite name (default 'captum'). */
  readonly composite?: string;
  /** LRP ε / γ / α (β = α − 1). */
  readonly epsilon?: number;
  readonly gamma?: number;
  readonly alpha?: number;
  /** Neuron methods: flat index or multi-index into the layer's per-example output. */
  readonly neuron?: number | readonly number[];
  /** Grad-CAM: ReLU on the map (default false). */
  readonly relu?: boolean;
  /** Grad-CAM: resizing to the input, 'nearest' (default) or 'bilinear'. */
  readonly interpolation?: Interpolation;
  /** Grad-CAM: return the layer-resolution map (default false). */
  readonly attributeToLayer?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export type MethodOptionName = Exclude<keyof MethodOptions, 'signal' | 'onProgress'>;

export interface MethodSpec {
  readonly id: string;
  readonly title: string;
  /** Model capabilities the method needs. */
  readonly requires: Partial<Capabilities>;
  /** The MethodOptions keys the method reads (besides signal / onProgress). */
  readonly options: readonly MethodOptionName[];
  /** Default values of the options it reads (where one applies). */
  readonly defaults: Readonly<Partial<Record<MethodOptionName, unknown>>>;
  run(model: Model, x: Tensor, options?: MethodOptions): Promise<AttributionResult>;
}

/** The options every attribution method shares. */
export const common = (o: MethodOptions) => ({
  target: o.target,
  signal: o.signal,
  onProgress: o.onProgress,
  internalBatchSize: o.internalBatchSize,
});

const BRAND: unique symbol = Symbol('glasswing.MethodSpec');

/** Whether `value` is a METHODS entry made by `spec` (how registry.ts finds the entries). */
export function isMethodSpec(value: unknown): value is MethodSpec {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/**
 * A METHODS entry (frozen, branded for `isMethodSpec`). `run` first refuses a `layer` the method does not take, and requires `layer`
 * (and `neuron`) where its option list names them.
 */
export function spec(
  id: string,
  title: string,
  requires: MethodSpec['requires'],
  options: readonly MethodOptionName[],
  defaults: MethodSpec['defaults'],
  run: (model: Model, x: Tensor, o: MethodOptions) => Promise<AttributionResult>,
): MethodSpec {
  const takesLayer = options.includes('layer');
  const entry: MethodSpec = {
    id,
    title,
    requires,
    options,
    defaults,
    async run(model, x, o = {}) {
      if (!takesLayer && o.layer !== undefined) throw new InvalidArgumentError(`method '${id}' attributes to the input and takes no layer`);
      if (takesLayer && o.layer === undefined) {
        throw new InvalidArgumentError(`method '${id}' needs a layer (one of: ${model.layerNames.join(', ')})`);
      }
      if (options.includes('neuron') && o.neuron === undefined) {
        throw new InvalidArgumentError(`method '${id}' needs a neuron (flat index or multi-index into the layer's output)`);
      }
      return run(model, x, o);
    },
  };
  Object.defineProperty(entry, BRAND, { value: true });
  return Object.freeze(entry);
}
