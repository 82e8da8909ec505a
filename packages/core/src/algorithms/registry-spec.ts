/** The METHODS entry factory shared by registry.ts and registry-rules.ts. */
import type { Model } from '../model.js';
import type { Tensor } from '../tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { AttributionResult } from './common.js';
import type { MethodOptionName, MethodOptions, MethodSpec } from './registry.js';

/** The options every attribution method shares. */
export const common = (o: MethodOptions) => ({
  target: o.target,
  signal: o.signal,
  onProgress: o.onProgress,
  internalBatchSize: o.internalBatchSize,
});

/**
 * A METHODS entry. `run` first refuses a `layer` the method does not take, and requires `layer`
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
  return {
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
}
