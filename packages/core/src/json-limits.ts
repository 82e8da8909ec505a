/**
 * Limits on untrusted JSON (model files, graph JSON, input tensors): deep nesting would overflow
 * the stack of recursive walkers (JSON.stringify in error messages, tensor flattening), so loaders
 * check the depth right after JSON.parse and refuse deeper documents with a typed error.
 */

/** The deepest array/object nesting a loader accepts (model.json topologies nest ~15 deep). */
export const MAX_JSON_DEPTH = 256;

/**
 * The path of the first value nested deeper than `maxDepth` (e.g. `modelTopology.config[0]…`),
 * or undefined when the value is within the limit. Iterative: never recurses.
 */
export function jsonTooDeep(value: unknown, maxDepth: number = MAX_JSON_DEPTH): string | undefined {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return path.length > 80 ? `${path.slice(0, 80)}…` : path || 'top level';
    if (Array.isArray(v)) for (let i = 0; i < v.length; i++) stack.push({ v: v[i], depth: depth + 1, path: `${path}[${i}]` });
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return undefined;
}
