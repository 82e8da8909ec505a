/**
 * What the randomisation sanity checks (metrics/randomisation/) share: reading and checking their
 * options, fixing the explained target once (a randomised model or a random logit must be
 * explained for the ORIGINAL target, not for its own argmax), and scoring re-explained maps
 * against the original ones.
 */
import type { Model } from '../../model.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, NumericError, ShapeError, throwIfAborted } from '../../errors.js';
import type { Target } from './types.js';
import { argmaxRows, validateTarget } from './common.js';
import { rowOf } from './metric-maps.js';
import { checkMeasure, mapGeometry, mapSimilarity, type MapGeometry, type SimilarityMeasure } from './map-similarity.js';

/** Throws core's AbortError when `signal` is aborted (as the attribution methods' ModelCaller does). */
export const throwIfAbortedReason = throwIfAborted;

export function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new InvalidArgumentError(`${name} must be true or false, got ${String(value)}`);
}

export function seedOption(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidArgumentError(`seed must be an integer, got ${String(value)}`);
  return value;
}

/** The comparison a randomisation metric makes: measure, preprocessing and (for SSIM) the geometry. */
export interface Comparison {
  readonly measure: SimilarityMeasure;
  readonly abs: boolean;
  readonly normalise: boolean;
  readonly geometry?: MapGeometry;
}

/** The layout attribute of the graph's spatial ops, when the model has a graph that says. */
function graphLayout(model: Model): 'NHWC' | 'NCHW' | undefined {
  for (const node of model.graph?.nodes ?? []) {
    const l = node.attrs['layout'];
    if (l === 'NHWC' || l === 'NCHW') return l;
  }
  return undefined;
}

export function comparisonOf(model: Model, options: Readonly<Record<string, unknown>>, defaults: { similarity: SimilarityMeasure; abs: boolean; normalise: boolean }): Comparison {
  const measure = checkMeasure(options['similarity'] ?? defaults.similarity);
  const abs = boolOption(options['abs'], 'abs', defaults.abs);
  const normalise = boolOption(options['normalise'], 'normalise', defaults.normalise);
  const layout = options['layout'];
  if (layout !== undefined && layout !== 'NHWC' && layout !== 'NCHW') throw new InvalidArgumentError(`layout must be 'NHWC' or 'NCHW', got ${String(layout)}`);
  const geometry = measure === 'ssim' ? mapGeometry(model.inputShape, (layout as 'NHWC' | 'NCHW' | undefined) ?? graphLayout(model)) : undefined;
  return { measure, abs, normalise, ...(geometry ? { geometry } : {}) };
}

/**
 * The class index explained per example: `target` as given, or each example's argmax from one
 * forward pass (`forwards` counts it). Explicit output-seed tensors are passed on unchanged.
 */
export async function fixedTarget(model: Model, x: Tensor, target: Target | undefined, signal: AbortSignal | undefined): Promise<{ target: Target; indices: number[] | null; forwards: number }> {
  const n = x.shape[0]!;
  const resolved = validateTarget(model, target, n);
  if (resolved?.kind === 'tensor') return { target: target!, indices: null, forwards: 0 };
  if (resolved) return { target: [...resolved.indices], indices: [...resolved.indices], forwards: 0 };
  const out = await model.forward(x, signal ? { signal } : {});
  const indices = argmaxRows(out, n);
  return { target: indices, indices, forwards: 1 };
}

/** Similarity of each example's map in `maps` with its map in `original` (both [N, ...inputShape]). */
export function compareRows(original: Tensor, maps: Tensor, n: number, size: number, cmp: Comparison): number[] {
  if (maps.data.length !== n * size) {
    throw new ShapeError(`the explainer returned maps of shape [${maps.shape.join(', ')}], expected ${n} maps of ${size} values`);
  }
  const bad = maps.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new NumericError(`the explainer returned a non-finite value (${maps.data[bad]}) at flat index ${bad}`);
  return Array.from({ length: n }, (_, i) => mapSimilarity(rowOf(original, i, size), rowOf(maps, i, size), cmp));
}
