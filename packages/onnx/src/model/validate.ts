/**
 * ONNX-specific request validation: layer names with ONNX tensor-name aliases. The checks shared
 * with core's GraphModel (inputs, tensors, seeds, override/reference tensors) come from
 * `@glasswing/core` (model-validation.ts), with the same typed errors and messages.
 */
import { InvalidArgumentError, UnknownLayerError, nearestNames } from '@glasswing/core';

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Map requested layer names (node names, or aliases such as ONNX tensor names and PyTorch module
 * paths) to node names. `alias` returns the node an alias stands for, undefined for names it does
 * not know, or throws its own typed error (FoldedLayerError, UnknownLayerError with candidates).
 * Unknown names: UnknownLayerError with the nearest layer names.
 */
export function resolveLayers(
  names: readonly string[],
  layerNames: readonly string[],
  alias: ((name: string) => string | undefined) | undefined,
): string[] {
  if (!Array.isArray(names)) throw new InvalidArgumentError('layers must be a list of layer names');
  const valid = new Set(layerNames);
  const bad: string[] = [];
  const out = names.map((n) => {
    if (valid.has(n)) return n;
    const a = typeof n === 'string' && n !== '' ? alias?.(n) : undefined;
    if (a !== undefined && valid.has(a)) return a;
    bad.push(String(n));
    return n;
  });
  if (bad.length > 0) {
    const candidates = nearestNames(bad[0]!, layerNames, 6);
    const all = layerNames.length > 40 ? `${layerNames.length} layers, see model.layerNames` : `valid layers: ${layerNames.join(', ')}`;
    throw new UnknownLayerError(bad[0]!, candidates, `unknown layer(s) ${bad.join(', ')}; nearest: ${candidates.join(', ')} (${all})`);
  }
  return out;
}
