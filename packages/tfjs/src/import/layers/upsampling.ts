/**
 * UpSampling1D / UpSampling2D. Nearest: Gather with repeated indices along each spatial axis.
 * Bilinear (2-D): tfjs-layers' resizeBilinear (align_corners = false, half_pixel_centers = false:
 * source = destination / factor), as two constant interpolation matrices applied with MatMul.
 */
import type { Tensor } from '@glasswing/core';
import { constant, formatError, pair, single, unsupported, type LayerContext, type LayerConverter } from './context.js';

const repeat = (n: number, s: number): number[] => Array.from({ length: n * s }, (_, i) => Math.floor(i / s));

/** [out, in] matrix of the legacy bilinear resize along one axis, transposed to [in, out]. */
function bilinearMatrix(n: number, s: number): Tensor {
  const out = n * s;
  const data = new Float32Array(n * out);
  for (let o = 0; o < out; o++) {
    const src = o / s;
    const i0 = Math.floor(src);
    const i1 = Math.min(i0 + 1, n - 1);
    const f = src - i0;
    data[i0 * out + o]! += 1 - f;
    data[i1 * out + o]! += f;
  }
  return { shape: [n, out], data };
}

export const upSampling1d: LayerConverter = (ctx) => {
  const x = single(ctx);
  const s = ctx.b.shape(x);
  if (s.length !== 3 || s[1]! < 0) throw formatError(ctx, `expects a [N, steps, channels] input with known steps, got [${s.join(', ')}]`);
  const size = ctx.spec.config['size'] ?? 2;
  if (!Number.isInteger(size) || (size as number) < 1) throw formatError(ctx, `config.size must be a positive integer, got ${JSON.stringify(size)}`);
  return ctx.b.node(ctx.spec.name, 'Gather', [x], { axis: 1, indices: repeat(s[1]!, size as number) });
};

function layoutAxes(ctx: LayerContext): [number, number] {
  const f = ctx.spec.config['data_format'] ?? 'channels_last';
  if (f === 'channels_last') return [1, 2];
  if (f === 'channels_first') return [2, 3];
  throw unsupported(ctx, `data_format ${JSON.stringify(f)}`);
}

export const upSampling2d: LayerConverter = (ctx) => {
  const x = single(ctx);
  const shape = ctx.b.shape(x);
  if (shape.length !== 4) throw formatError(ctx, `expects a rank-4 input, got [${shape.join(', ')}]`);
  const [ah, aw] = layoutAxes(ctx);
  const [h, w] = [shape[ah]!, shape[aw]!];
  if (h < 0 || w < 0) throw formatError(ctx, `input spatial size must be known, got [${shape.join(', ')}]`);
  const [sh, sw] = pair(ctx, 'size', [2, 2]);
  const interpolation = ctx.spec.config['interpolation'] ?? 'nearest';
  const name = ctx.spec.name;
  if (interpolation === 'nearest') {
    const rows = ctx.b.node(`${name}/rows`, 'Gather', [x], { axis: ah, indices: repeat(h, sh) });
    return ctx.b.node(name, 'Gather', [rows], { axis: aw, indices: repeat(w, sw) });
  }
  if (interpolation !== 'bilinear') throw unsupported(ctx, `interpolation ${JSON.stringify(interpolation)} (nearest, bilinear)`);
  // Move H then W to the last axis and multiply by the [in, out] interpolation matrices.
  const toCWH = ah === 1 ? [0, 3, 2, 1] : [0, 1, 3, 2]; // -> [N, C, W, H]
  const t1 = ctx.b.node(`${name}/to_cwh`, 'Transpose', [x], { perm: toCWH });
  const mh = ctx.b.node(`${name}/rows`, 'MatMul', [t1, constant(ctx, 'rows_matrix', bilinearMatrix(h, sh))]);
  const t2 = ctx.b.node(`${name}/to_chw`, 'Transpose', [mh], { perm: [0, 1, 3, 2] });
  const mw = ctx.b.node(`${name}/cols`, 'MatMul', [t2, constant(ctx, 'cols_matrix', bilinearMatrix(w, sw))]);
  return ctx.b.node(name, 'Transpose', [mw], { perm: ah === 1 ? [0, 2, 3, 1] : [0, 1, 2, 3] });
};
