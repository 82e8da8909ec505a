/** Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot. */
import type { OpType } from '@glasswing/core';
import { constant, formatError, unsupported, type LayerContext, type LayerConverter } from './context.js';

function chain(ctx: LayerContext, step: (acc: string, x: string, name: string) => string, finalName: string, role: string): string {
  const xs = ctx.inputs;
  if (xs.length < 2) throw formatError(ctx, `expects at least two inputs, got ${xs.length}`);
  let acc = xs[0]!;
  for (let i = 1; i < xs.length; i++) acc = step(acc, xs[i]!, i === xs.length - 1 ? finalName : `${ctx.spec.name}/${role}${i}`);
  return acc;
}

const binary = (ctx: LayerContext, op: OpType) => (a: string, b: string, name: string) => ctx.b.node(name, op, [a, b]);

export const add: LayerConverter = (ctx) => chain(ctx, binary(ctx, 'Add'), ctx.spec.name, 'add');
export const multiply: LayerConverter = (ctx) => chain(ctx, binary(ctx, 'Mul'), ctx.spec.name, 'mul');

export const subtract: LayerConverter = (ctx) => {
  if (ctx.inputs.length !== 2) throw formatError(ctx, `expects two inputs, got ${ctx.inputs.length}`);
  return ctx.b.node(ctx.spec.name, 'Sub', [ctx.inputs[0]!, ctx.inputs[1]!]);
};

export const average: LayerConverter = (ctx) => {
  const sum = chain(ctx, binary(ctx, 'Add'), `${ctx.spec.name}/sum`, 'add');
  const scale = constant(ctx, 'scale', { shape: [1], data: new Float32Array([1 / ctx.inputs.length]) });
  return ctx.b.node(ctx.spec.name, 'Mul', [sum, scale]);
};

/** max(a, b) = a + relu(b − a); the gradient goes to b where b > a, else to a. */
export const maximum: LayerConverter = (ctx) =>
  chain(
    ctx,
    (a, b, name) => ctx.b.node(name, 'Add', [a, ctx.b.node(`${name}/excess`, 'Relu', [ctx.b.node(`${name}/diff`, 'Sub', [b, a])])]),
    ctx.spec.name,
    'max',
  );

/** min(a, b) = a − relu(a − b). */
export const minimum: LayerConverter = (ctx) =>
  chain(
    ctx,
    (a, b, name) => ctx.b.node(name, 'Sub', [a, ctx.b.node(`${name}/excess`, 'Relu', [ctx.b.node(`${name}/diff`, 'Sub', [a, b])])]),
    ctx.spec.name,
    'min',
  );

export const concatenate: LayerConverter = (ctx) => {
  const axis = ctx.spec.config['axis'] ?? -1;
  if (typeof axis !== 'number') throw unsupported(ctx, `axis ${JSON.stringify(axis)}`);
  if (ctx.inputs.length < 1) throw formatError(ctx, 'expects inputs');
  return ctx.b.node(ctx.spec.name, 'Concat', [...ctx.inputs], { axis });
};

/** x / √max(Σx², 1e-7) along `axis` (tfjs-layers' l2Normalize). */
function l2Normalize(ctx: LayerContext, x: string, axis: number, role: string): string {
  const name = `${ctx.spec.name}/${role}`;
  const sq = ctx.b.node(`${name}/square`, 'Mul', [x, x]);
  const sum = ctx.b.node(`${name}/sum`, 'ReduceSum', [sq], { axes: [axis], keepdims: 1 });
  const norm = ctx.b.node(`${name}/norm`, 'Sqrt', [ctx.b.node(`${name}/floor`, 'Clip', [sum], { min: 1e-7 })]);
  return ctx.b.node(name, 'Div', [x, norm]);
}

/** Dot of two [N, F] inputs (axes 1 -> [N, 1]) or two rank-3 inputs ([N, L, K]·[N, K, M] after moving the axes). */
export const dot: LayerConverter = (ctx) => {
  if (ctx.inputs.length !== 2) throw formatError(ctx, `expects two inputs, got ${ctx.inputs.length}`);
  let [a, b] = ctx.inputs as [string, string];
  const ra = ctx.b.shape(a).length;
  const rb = ctx.b.shape(b).length;
  const raw = ctx.spec.config['axes'];
  const list = Array.isArray(raw) ? raw : [raw, raw];
  if (list.length !== 2 || list.some((e) => !Number.isInteger(e))) throw formatError(ctx, `config.axes must be an integer or a pair, got ${JSON.stringify(raw)}`);
  const axA = (list[0] as number) < 0 ? (list[0] as number) + ra : (list[0] as number);
  const axB = (list[1] as number) < 0 ? (list[1] as number) + rb : (list[1] as number);
  if (ctx.spec.config['normalize'] === true) {
    a = l2Normalize(ctx, a, axA, 'normalize_a');
    b = l2Normalize(ctx, b, axB, 'normalize_b');
  }
  const name = ctx.spec.name;
  if (ra === 2 && rb === 2 && axA === 1 && axB === 1) {
    return ctx.b.node(name, 'ReduceSum', [ctx.b.node(`${name}/product`, 'Mul', [a, b])], { axes: [1], keepdims: 1 });
  }
  if (ra === 3 && rb === 3 && axA >= 1 && axB >= 1) {
    const left = axA === 2 ? a : ctx.b.node(`${name}/left`, 'Transpose', [a], { perm: [0, 2, 1] });
    const right = axB === 1 ? b : ctx.b.node(`${name}/right`, 'Transpose', [b], { perm: [0, 2, 1] });
    return ctx.b.node(name, 'MatMul', [left, right]);
  }
  throw unsupported(ctx, `inputs of ranks ${ra} and ${rb} with axes ${JSON.stringify(raw)} (rank-2 with axes 1, or rank-3)`);
};
