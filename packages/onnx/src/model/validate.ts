/**
 * ONNX-specific request validation: layer names with ONNX tensor-name aliases. The checks shared
 * with core's GraphModel (inputs, tensors, seeds, override/reference tensors) come from
 * `@glasswing/core` (model-validation.ts), with the same typed errors and messages.
 */
import { InvalidArgumentError } from '@glasswing/core';

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Map requested layer names (node names, or aliases such as ONNX tensor names) to node names;
 * InvalidArgumentError listing the unknown ones.
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
    const a = typeof n === 'string' ? alias?.(n) : undefined;
    if (a !== undefined && valid.has(a)) return a;
    bad.push(String(n));
    return n;
  });
  if (bad.length > 0) {
    throw new InvalidArgumentError(`unknown layer(s) ${bad.join(', ')}; valid layers: ${layerNames.join(', ')}`);
  }
  return out;
}
