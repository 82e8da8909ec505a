/**
 * ZeroPadding1D/2D and Cropping1D/2D as one Pad node (cropping = negative pads). Keras' forms:
 * an int (same on every side), a pair (symmetric per axis) or a pair of pairs ((top, bottom),
 * (left, right)); 1-D layers take an int or (begin, end). Either data format for the 2-D layers.
 */
import { formatError, single, unsupported, type LayerContext, type LayerConverter } from './context.js';

/** [[begin, end] per spatial axis] from a Keras padding / cropping config value. */
function amounts(ctx: LayerContext, key: string, axes: number): [number, number][] {
  const v = ctx.spec.config[key];
  const isInt = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0;
  const bad = (): never => {
    throw formatError(ctx, `config.${key} must be a non-negative integer, ${axes === 1 ? 'a pair' : 'a pair or a pair of pairs'}; got ${JSON.stringify(v)}`);
  };
  if (v === undefined || v === null) return Array.from({ length: axes }, () => (key === 'padding' ? [1, 1] : bad()));
  if (isInt(v)) return Array.from({ length: axes }, () => [v, v]);
  if (!Array.isArray(v)) return bad();
  if (axes === 1) {
    if (v.length !== 2 || !v.every(isInt)) return bad();
    return [[v[0] as number, v[1] as number]];
  }
  if (v.length !== axes) return bad();
  return v.map((p) => {
    if (isInt(p)) return [p, p];
    if (Array.isArray(p) && p.length === 2 && p.every(isInt)) return [p[0] as number, p[1] as number];
    return bad();
  });
}

function spatialAxes(ctx: LayerContext, rank: number, axes: number): number[] {
  if (rank !== axes + 2) throw formatError(ctx, `expects a rank-${axes + 2} input, got rank ${rank}`);
  const f = ctx.spec.config['data_format'] ?? 'channels_last';
  if (f === 'channels_last') return Array.from({ length: axes }, (_, i) => 1 + i);
  if (f === 'channels_first' && axes > 1) return Array.from({ length: axes }, (_, i) => 2 + i);
  throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
}

const padLike =
  (key: 'padding' | 'cropping', axes: number): LayerConverter =>
  (ctx) => {
    const x = single(ctx);
    const shape = ctx.b.shape(x);
    const where = spatialAxes(ctx, shape.length, axes);
    const amt = amounts(ctx, key, axes);
    const sign = key === 'padding' ? 1 : -1;
    const pads = new Array<number>(2 * shape.length).fill(0);
    where.forEach((axis, i) => {
      const [b, e] = amt[i]!;
      if (sign < 0 && shape[axis]! >= 0 && b + e >= shape[axis]!) {
        throw formatError(ctx, `cropping ${b} + ${e} leaves nothing of dimension ${axis} (size ${shape[axis]})`);
      }
      pads[axis] = sign * b;
      pads[axis + shape.length] = sign * e;
    });
    return ctx.b.node(ctx.spec.name, 'Pad', [x], { pads, value: 0 });
  };

export const zeroPadding1d = padLike('padding', 1);
export const zeroPadding2d = padLike('padding', 2);
export const cropping1d = padLike('cropping', 1);
export const cropping2d = padLike('cropping', 2);
