/**
 * Factories for METHODS entries, named by the model capabilities a method needs, and the option
 * mappings several entries share. Every algorithm file ends with its entry, e.g.
 *
 *   export const saliencyMethod = inputMethod('saliency', 'Saliency (|gradient|)',
 *     ['target', 'abs', 'internalBatchSize'], { abs: true },
 *     (model, x, o) => new Saliency(model).attribute(x, { ...common(o), abs: o.abs }));
 *
 * and registry.ts collects every entry its family's index.ts exports. Imports no algorithm.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import type { AttributionResult, CommonOptions } from './types.js';
import type { Quadrature } from './approximation.js';
import type { FeatureMaskInput } from './perturbation/index.js';
import { common, spec, type MethodOptionName, type MethodOptions, type MethodSpec } from './method-spec.js';

export { common, spec, isMethodSpec, type MethodOptionName, type MethodOptions, type MethodSpec } from './method-spec.js';

/** How an entry runs its algorithm: the uniform options `o` mapped onto the class's options. */
export type EntryRun = (model: Model, x: Tensor, o: MethodOptions) => Promise<AttributionResult>;

/** An entry factory with fixed `requires`. */
export type EntryFactory = (
  id: string,
  title: string,
  options: readonly MethodOptionName[],
  defaults: MethodSpec['defaults'],
  run: EntryRun,
) => MethodSpec;

const withRequires =
  (requires: MethodSpec['requires']): EntryFactory =>
  (id, title, options, defaults, run) =>
    spec(id, title, requires, options, defaults, run);

/** Attributes to the model input with gradients: `{ gradients: true }`. */
export const inputMethod: EntryFactory = withRequires({ gradients: true });
/** Forward-only (perturbation): needs no capability, so it runs on any model, even a plain function. */
export const forwardMethod: EntryFactory = withRequires({});
/** Propagation-rule methods (DeepLIFT, LRP, guided backprop, …): `{ gradients: true, rules: true }`. */
export const ruleMethod: EntryFactory = withRequires({ gradients: true, rules: true });
/** Layer methods (take `layer`): `{ gradients: true, layers: true }`. */
export const layerMethod: EntryFactory = withRequires({ gradients: true, layers: true });
/** Neuron methods (take `layer` and `neuron`; canonized through rules): `{ gradients: true, layers: true, rules: true }`. */
export const neuronMethod: EntryFactory = withRequires({ gradients: true, layers: true, rules: true });

/** The options every perturbation method shares. */
export const perturbationCommon = (o: MethodOptions) => ({ ...common(o), perturbationsPerEval: o.perturbationsPerEval });

/** The options of a baseline → input path (integrated-gradients family). */
export const pathOptions = (o: MethodOptions) => ({ baselines: o.baselines, steps: o.steps, quadrature: o.quadrature });

/** Defaults of the path methods: 50 Gauss–Legendre steps from a zero baseline (Captum's). */
export const PATH_DEFAULTS: MethodSpec['defaults'] = Object.freeze({ steps: 50, quadrature: 'gausslegendre', baselines: 0 });

type Attributor<O> = new (model: Model) => { attribute(x: Tensor, options: O): Promise<AttributionResult> };

interface GroupOptions extends CommonOptions {
  readonly perturbationsPerEval?: number;
  readonly baselines?: number | Tensor;
  readonly featureMask?: FeatureMaskInput;
}

/** A forward-only method over feature groups with replacement values (baselines 0). */
export function groupMethod(id: string, title: string, Method: Attributor<GroupOptions>): MethodSpec {
  return forwardMethod(id, title, ['target', 'baselines', 'featureMask', 'perturbationsPerEval', 'internalBatchSize'], { baselines: 0 }, (model, x, o) =>
    new Method(model).attribute(x, { ...perturbationCommon(o), baselines: o.baselines, featureMask: o.featureMask }),
  );
}

/** A forward-only sampling method over feature groups (baselines, mask, samples, seed). */
export function sampledGroupMethod(
  id: string,
  title: string,
  defaults: MethodSpec['defaults'],
  Method: Attributor<GroupOptions & { readonly nSamples?: number; readonly seed?: number }>,
): MethodSpec {
  return forwardMethod(
    id,
    title,
    ['target', 'baselines', 'featureMask', 'samples', 'seed', 'perturbationsPerEval', 'internalBatchSize'],
    defaults,
    (model, x, o) =>
      new Method(model).attribute(x, {
        ...perturbationCommon(o),
        baselines: o.baselines,
        featureMask: o.featureMask,
        nSamples: o.samples,
        seed: o.seed,
      }),
  );
}

interface LayerPathOptions extends CommonOptions {
  readonly layer: string;
  readonly baselines?: number | Tensor;
  readonly steps?: number;
  readonly quadrature?: Quadrature;
}

/** A layer method integrating along the baseline → input path (steps 50, Gauss–Legendre, baselines 0). */
export function layerPathMethod(id: string, title: string, Method: Attributor<LayerPathOptions>): MethodSpec {
  return layerMethod(id, title, ['target', 'layer', 'baselines', 'steps', 'quadrature', 'internalBatchSize'], PATH_DEFAULTS, (m, x, o) =>
    new Method(m).attribute(x, { ...common(o), ...pathOptions(o), layer: o.layer! }),
  );
}
