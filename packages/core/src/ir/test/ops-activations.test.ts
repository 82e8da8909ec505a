/**
 * The Keras / ONNX activations (Elu, Selu, Softplus, Softsign, HardSigmoid, HardSwish, Swish, Mish,
 * ThresholdedRelu): forward against the formulas in double precision, VJP against central finite
 * differences (inputs kept away from the kinks), the derivative at the kinks, attribute checks.
 */
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../tensor.js';
import type { Attrs, OpType } from '../graph.js';
import { OPS } from '../ops/index.js';
import { checkVjp, expectClose, k, mkNode, randomTensor, runOp, t } from './helpers.js';

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
const sp = (v: number): number => Math.log1p(Math.exp(-Math.abs(v))) + Math.max(v, 0);
const SELU_A = 1.6732632423543772;
const SELU_G = 1.0507009873554805;

interface Case {
  readonly op: OpType;
  readonly attrs: Attrs;
  readonly f: (v: number) => number;
  /** Points where the VJP is not smooth (kept away from in the FD check). */
  readonly kinks: readonly number[];
}

const CASES: readonly Case[] = [
  { op: 'Elu', attrs: {}, f: (v) => (v > 0 ? v : Math.expm1(v)), kinks: [0] },
  { op: 'Elu', attrs: { alpha: 0.4 }, f: (v) => (v > 0 ? v : 0.4 * Math.expm1(v)), kinks: [0] },
  { op: 'Selu', attrs: {}, f: (v) => SELU_G * (v > 0 ? v : SELU_A * Math.expm1(v)), kinks: [0] },
  { op: 'Softplus', attrs: {}, f: sp, kinks: [] },
  { op: 'Softsign', attrs: {}, f: (v) => v / (1 + Math.abs(v)), kinks: [0] },
  { op: 'HardSigmoid', attrs: {}, f: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)), kinks: [-2.5, 2.5] },
  { op: 'HardSigmoid', attrs: { alpha: 1 / 6, beta: 0.5 }, f: (v) => Math.min(1, Math.max(0, v / 6 + 0.5)), kinks: [-3, 3] },
  { op: 'HardSwish', attrs: {}, f: (v) => v * Math.min(1, Math.max(0, v / 6 + 0.5)), kinks: [-3, 3] },
  { op: 'Swish', attrs: {}, f: (v) => v * sig(v), kinks: [] },
  { op: 'Swish', attrs: { alpha: 1.7 }, f: (v) => v * sig(1.7 * v), kinks: [] },
  { op: 'Mish', attrs: {}, f: (v) => v * Math.tanh(sp(v)), kinks: [] },
  { op: 'ThresholdedRelu', attrs: {}, f: (v) => (v > 1 ? v : 0), kinks: [1] },
  { op: 'ThresholdedRelu', attrs: { alpha: -0.5 }, f: (v) => (v > -0.5 ? v : 0), kinks: [-0.5] },
];

/** Points in [−5, 5] at least 0.05 from every kink. */
function awayFrom(kinks: readonly number[], n: number, seed: number): Tensor {
  const x = randomTensor([n], seed, -5, 5);
  x.data.forEach((v, i) => {
    for (const c of kinks) if (Math.abs(v - c) < 0.05) x.data[i] = c + (v < c ? -0.3 : 0.3);
  });
  return x;
}

describe.each(CASES)('$op $attrs', ({ op, attrs, f, kinks }) => {
  it('forward equals the formula (including extreme inputs) and its VJP matches finite differences', () => {
    const x = t([-80, -20, -5, -3, -2.5, -1, -0.5, -1e-3, 0, 1e-3, 0.5, 1, 2.5, 3, 5, 20, 80], [17]);
    const y = runOp(op, [x], attrs);
    expectClose(y, Array.from(x.data, f), 1e-6);
    expect(y.data.every(Number.isFinite)).toBe(true);
    checkVjp(op, [awayFrom(kinks, 24, 3)], attrs, { eps: 1e-2, tol: 2e-3 });
    checkVjp(op, [awayFrom(kinks, 12, 4)], attrs, { eps: 1e-3, tol: 2e-3, seed: 7 });
  });
});

describe('derivatives at the kinks (PyTorch conventions)', () => {
  const grad = (op: OpType, v: number, attrs: Attrs = {}): number => {
    const node = mkNode(op, 1, attrs);
    const x = t([v], [1]);
    const [y] = OPS[op].forward(k, [x], node);
    return OPS[op].vjp(k, [x], [y!], [t([1], [1])], node)[0]!.data[0]!;
  };
  it('Elu / Selu: α (γα) at 0; Softplus ½ at 0; ThresholdedRelu 0 at α; HardSigmoid 0 at its corners', () => {
    expect(grad('Elu', 0, { alpha: 0.4 })).toBeCloseTo(0.4, 7);
    expect(grad('Selu', 0)).toBeCloseTo(SELU_A * SELU_G, 6);
    expect(grad('Softplus', 0)).toBe(0.5);
    expect(grad('Softsign', 0)).toBe(1);
    expect(grad('ThresholdedRelu', 1)).toBe(0);
    expect(grad('HardSigmoid', 2.5)).toBe(0);
    expect(grad('HardSigmoid', 0)).toBeCloseTo(0.2, 7);
    expect(grad('HardSwish', 3)).toBe(1);
    expect(grad('HardSwish', -3)).toBe(0);
    expect(grad('Swish', 0)).toBe(0.5);
    expect(grad('Mish', 0)).toBeCloseTo(Math.tanh(Math.LN2), 6);
  });

  it('rejects non-numeric attributes naming the node', () => {
    expect(() => OPS.Elu.inferShapes([[2]], mkNode('Elu', 1, { alpha: 'x' }))).toThrow(/node n.*alpha must be a finite number/);
    expect(() => OPS.HardSigmoid.inferShapes([[2]], mkNode('HardSigmoid', 1, { beta: Number.NaN }))).toThrow(/beta/);
  });
});
