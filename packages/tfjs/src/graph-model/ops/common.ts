/** Helpers shared by the op converters: layouts, TF padding, fused activations. */
import type { NodeContext } from '../context.js';
import { ImportIssue, constOf, fmt, shapesOf, type Value } from '../values.js';

export type Converter = (n: NodeContext) => void;

/** The node's data_format must be NHWC (TensorFlow.js' own layout). */
export function requireNhwc(n: NodeContext): void {
  const f = n.attrs.string('data_format', 'NHWC');
  if (f !== 'NHWC') throw new ImportIssue(`data_format ${f} is not supported (NHWC only)`);
}

/** [H, W] of an NHWC activation (static in every world). */
export function spatial(v: Value): [number, number] {
  const s = shapesOf(v)[0];
  if (s.length !== 4) throw new ImportIssue(`expects a rank-4 NHWC input, got ${fmt(s)}`);
  if (s[1]! < 0 || s[2]! < 0) throw new ImportIssue(`the input's spatial size must be known, got ${fmt(s)}`);
  return [s[1]!, s[2]!];
}

/** [h, w] from a TF 4-vector attribute [1, h, w, 1] (strides, dilations, ksize). */
export function hw(n: NodeContext, key: string, fallback: number): [number, number] {
  const v = n.attrs.ints(key, [1, fallback, fallback, 1]);
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw new ImportIssue(`${key} ${fmt(v)} must be [1, h, w, 1]`);
  return [v[1]!, v[2]!];
}

/**
 * TensorFlow padding as explicit [top, left, bottom, right]: SAME (out = ceil(in / stride), the
 * odd cell at the end), VALID, or EXPLICIT (explicit_paddings [[0,0],[t,b],[l,r],[0,0]] flattened).
 */
export function tfPads(
  n: NodeContext,
  size: [number, number],
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number] = [1, 1],
): [number, number, number, number] {
  const padding = n.attrs.string('padding', 'VALID');
  if (padding === 'VALID') return [0, 0, 0, 0];
  if (padding === 'EXPLICIT') {
    const p = n.attrs.ints('explicit_paddings', []);
    if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) {
      throw new ImportIssue(`explicit_paddings ${fmt(p)} must pad only the spatial dimensions of NHWC`);
    }
    return [p[2]!, p[4]!, p[3]!, p[5]!];
  }
  if (padding !== 'SAME') throw new ImportIssue(`padding ${padding} is not supported`);
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < 2; i++) {
    const eff = (kernel[i]! - 1) * dilations[i]! + 1;
    const out = Math.ceil(size[i]! / strides[i]!);
    const total = Math.max((out - 1) * strides[i]! + eff - size[i]!, 0);
    begin.push(Math.floor(total / 2));
    end.push(total - Math.floor(total / 2));
  }
  return [begin[0]!, begin[1]!, end[0]!, end[1]!];
}

export interface ActivationSpec {
  /** Lower-case TF name: relu, relu6, elu, leakyrelu, prelu, sigmoid, tanh (or linear/''). */
  readonly kind: string;
  readonly leakyAlpha?: number;
  /** PReLU slopes (broadcast against the activation). */
  readonly preluAlpha?: Value;
}

/**
 * Emit `kind` applied to x. With `main`, the last node carries the TF node's name (the layer users
 * tap); composites (Elu, PReLU) are Relu / Clip / Exp / Mul / Add nodes.
 */
export function activation(n: NodeContext, x: Value, spec: ActivationSpec, main: boolean): Value {
  const role = (r: string) => (main ? {} : { role: r });
  const aux = (r: string) => ({ role: `${spec.kind}/${r}` });
  switch (spec.kind) {
    case '':
    case 'linear':
      return x;
    case 'relu':
      return n.emit('Relu', [x], {}, role('relu'));
    case 'relu6':
      return n.emit('Clip', [x], { min: 0, max: 6 }, role('relu6'));
    case 'sigmoid':
      return n.emit('Sigmoid', [x], {}, role('sigmoid'));
    case 'tanh':
      return n.emit('Tanh', [x], {}, role('tanh'));
    case 'leakyrelu':
      return n.emit('LeakyRelu', [x], { alpha: spec.leakyAlpha ?? 0.2 }, role('leakyrelu'));
    case 'elu': {
      // elu(x) = relu(x) + exp(min(x, 0)) − 1
      const pos = n.emit('Relu', [x], {}, aux('pos'));
      const neg = n.emit('Clip', [x], { max: 0 }, aux('neg'));
      const e = n.emit('Exp', [neg], {}, aux('exp'));
      const em1 = n.emit('Sub', [e, constOf({ kind: 'float', shape: [1], data: Float32Array.of(1) })], {}, aux('expm1'));
      return n.emit('Add', [pos, em1], {}, role('elu'));
    }
    case 'prelu': {
      // prelu(x) = relu(x) + α · min(x, 0)
      if (spec.preluAlpha === undefined) throw new ImportIssue('PReLU needs its alpha argument');
      const pos = n.emit('Relu', [x], {}, aux('pos'));
      const neg = n.emit('Clip', [x], { max: 0 }, aux('neg'));
      const scaled = n.emit('Mul', [neg, spec.preluAlpha], {}, aux('scaled'));
      return n.emit('Add', [pos, scaled], {}, role('prelu'));
    }
    default:
      throw new ImportIssue(`fused activation ${spec.kind} is not supported`);
  }
}
