/** Merge layers: Add, Subtract, Multiply, Average, Concatenate. */
import type { OpType } from '@glasswing/core';
import { constant, formatError, unsupported, type LayerContext, type LayerConverter } from './context.js';

function chain(ctx: LayerContext, op: OpType, finalName: string): string {
  const xs = ctx.inputs;
  if (xs.length < 2) throw formatError(ctx, `expects at least two inputs, got ${xs.length}`);
  let acc = xs[0]!;
  for (let i = 1; i < xs.length; i++) {
    const name = i === xs.length - 1 ? finalName : `${ctx.spec.name}/${op.toLowerCase()}${i}`;
    acc = ctx.b.node(name, op, [acc, xs[i]!]);
  }
  return acc;
}

export const add: LayerConverter = (ctx) => chain(ctx, 'Add', ctx.spec.name);
export const multiply: LayerConverter = (ctx) => chain(ctx, 'Mul', ctx.spec.name);

export const subtract: LayerConverter = (ctx) => {
  if (ctx.inputs.length !== 2) throw formatError(ctx, `expects two inputs, got ${ctx.inputs.length}`);
  return ctx.b.node(ctx.spec.name, 'Sub', [ctx.inputs[0]!, ctx.inputs[1]!]);
};

export const average: LayerConverter = (ctx) => {
  const sum = chain(ctx, 'Add', `${ctx.spec.name}/sum`);
  const scale = constant(ctx, 'scale', { shape: [1], data: new Float32Array([1 / ctx.inputs.length]) });
  return ctx.b.node(ctx.spec.name, 'Mul', [sum, scale]);
};

export const concatenate: LayerConverter = (ctx) => {
  const axis = ctx.spec.config['axis'] ?? -1;
  if (typeof axis !== 'number') throw unsupported(ctx, `axis ${JSON.stringify(axis)}`);
  if (ctx.inputs.length < 1) throw formatError(ctx, 'expects inputs');
  return ctx.b.node(ctx.spec.name, 'Concat', [...ctx.inputs], { axis });
};
