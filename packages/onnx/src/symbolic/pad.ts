/** pad → Pad (constant mode; pads and value as inputs, opset 11+). Negative pads crop. */
import { ShapeError } from '@glasswing/core';
import type { Sym } from './builder.js';
import { fmt, type SymContext } from './context.js';

export function pad(ctx: SymContext, x: Sym, pads: readonly number[], value: number): Sym {
  const r = x.shape.length;
  if (pads.length !== 2 * r || pads.some((p) => !Number.isInteger(p))) {
    throw new ShapeError(`pad: pads [${pads.join(', ')}] must be ${2 * r} integers for ${fmt(x.shape)}`);
  }
  const shape = x.shape.map((d, i) => pads[i]! + d + pads[i + r]!);
  if (shape.some((d) => d < 0)) throw new ShapeError(`pad: pads [${pads.join(', ')}] crop ${fmt(x.shape)} below zero`);
  if (pads.every((p) => p === 0)) return x;
  const b = ctx.b;
  return b.node1('Pad', [x, b.int64(pads), b.scalarName(value)], { mode: { s: 'constant' } }, shape);
}
