/** Element-wise, reduction and linear-algebra symbolic kernels vs core's reference kernels in onnxruntime-node. */
import { describe, expect, it } from 'vitest';
import { expectAgrees, randomTensor as rnd } from './support/symbolic-harness.js';

describe('symbolic binary kernels (broadcasting)', () => {
  const cases: [string, number[], number[]][] = [
    ['same shape', [2, 3, 4], [2, 3, 4]],
    ['row vector', [2, 3, 4], [4]],
    ['column', [2, 3, 1], [1, 3, 4]],
    ['scalar-like', [2, 3], [1]],
  ];
  for (const op of ['add', 'sub', 'mul', 'div'] as const) {
    for (const [what, a, b] of cases) {
      it(`${op} ${what}`, async () => {
        await expectAgrees([{ value: rnd(a, 1) }, { value: rnd(b, 2, { positive: op === 'div' }) }], (k, [x, y]) => k[op](x!, y!));
      });
    }
  }
  it('pow with a constant exponent tensor and broadcasting', async () => {
    await expectAgrees([{ value: rnd([3, 4], 3, { positive: true }) }, { value: rnd([4], 4), constant: true }], (k, [x, y]) => k.pow(x!, y!));
  });
  it('fills become scalars and identities fold away (x·1 + 0 is x)', async () => {
    const nodes = await expectAgrees([{ value: rnd([2, 5], 5) }], (k, [x]) => k.add(k.mul(x!, k.fill([2, 5], 1)), k.fill([2, 5], 0)));
    expect(nodes).toEqual(['Identity']);
  });
  it('a fill larger than the other operand is expanded', async () => {
    await expectAgrees([{ value: rnd([5], 6) }], (k, [x]) => k.mul(k.fill([3, 5], 2.5), x!));
  });
  it('all-constant inputs are folded on the host (no compute node)', async () => {
    const nodes = await expectAgrees([{ value: rnd([3, 3], 7), constant: true }, { value: rnd([3, 3], 8), constant: true }], (k, [x, y]) =>
      k.relu(k.matmul(x!, y!, false, true)),
    );
    expect(nodes).toEqual(['Identity']);
  });
});

describe('symbolic unary kernels', () => {
  const plain = ['neg', 'abs', 'exp', 'relu', 'sigmoid', 'tanh', 'erf', 'step'] as const;
  for (const op of plain) {
    it(op, async () => {
      // Integers included so that step/relu/abs meet exact zeros.
      await expectAgrees([{ value: rnd([4, 6], 10, { integers: 5 }) }], (k, [x]) => k[op](k.mul(x!, k.fill([4, 6], 0.5))), 2e-7);
      await expectAgrees([{ value: rnd([4, 6], 11) }], (k, [x]) => k[op](x!), 2e-7);
    });
  }
  for (const op of ['sqrt', 'log'] as const) {
    it(op, async () => {
      await expectAgrees([{ value: rnd([4, 6], 12, { positive: true }) }], (k, [x]) => k[op](x!), 2e-7);
    });
  }
  it('leakyRelu', async () => {
    await expectAgrees([{ value: rnd([4, 6], 13) }], (k, [x]) => k.leakyRelu(x!, 0.2));
  });
  it('clip and clipBackprop (fused Clip kernels): values on the bounds, one-sided and unbounded', async () => {
    // Integers halved: exact values on the bounds 0, ±1, 1.5 and 2.
    const x = { value: rnd([4, 6], 14, { integers: 9 }) };
    const dy = { value: rnd([4, 6], 15) };
    const half = <T>(k: import('@glasswing/core').Kernels<T>, v: T): T => k.mul(v, k.fill([4, 6], 0.5));
    for (const [lo, hi] of [[0, 1.5], [-1, 1], [0, Infinity], [-Infinity, 2], [-Infinity, Infinity], [1, 1]] as const) {
      const nodes = await expectAgrees([x], (k, [v]) => k.clip!(half(k, v!), lo, hi), 0);
      expect(nodes.includes('Clip')).toBe(lo !== -Infinity || hi !== Infinity);
      await expectAgrees([dy, x], (k, [g, v]) => k.clipBackprop!(g!, half(k, v!), lo, hi), 0);
    }
    // Two bounds (ReLU6): dy times the cast mask Clip(x) = x (values on the bounds included above);
    // no Where (ORT's broadcasting Where was 4× an Equal's time).
    const nodes = await expectAgrees([dy, x], (k, [g, v]) => k.clipBackprop!(g!, v!, 0, 6), 0);
    expect(nodes.sort()).toEqual(['Cast', 'Clip', 'Equal', 'Identity', 'Mul']);
  });
});

describe('symbolic reductions, shape ops and matmul', () => {
  it('sum over axes with and without keepDims, and no axes', async () => {
    const x = { value: rnd([2, 3, 4], 20) };
    for (const [axes, keep] of [[[1], true], [[0, 2], false], [[-1], false], [[0, 1, 2], true], [[], false]] as const) {
      await expectAgrees([x], (k, [v]) => k.sum(v!, axes, keep));
    }
  });
  it('softmax on each axis', async () => {
    for (const axis of [0, 1, -1]) await expectAgrees([{ value: rnd([3, 5], 21) }], (k, [v]) => k.softmax(v!, axis));
  });
  it('reshape, transpose, Transpose∘Transpose cancels', async () => {
    await expectAgrees([{ value: rnd([2, 3, 4], 22) }], (k, [v]) => k.reshape(v!, [4, 6]));
    await expectAgrees([{ value: rnd([2, 3, 4], 23) }], (k, [v]) => k.transpose(v!, [2, 0, 1]));
    const nodes = await expectAgrees([{ value: rnd([2, 3, 4, 5], 24) }], (k, [v]) => k.transpose(k.transpose(v!, [0, 3, 1, 2]), [0, 2, 3, 1]));
    expect(nodes).toEqual(['Identity']);
  });
  it('concat, slice, broadcastTo', async () => {
    await expectAgrees([{ value: rnd([2, 3], 25) }, { value: rnd([2, 2], 26) }], (k, [a, b]) => k.concat([a!, b!], 1));
    await expectAgrees([{ value: rnd([4, 5, 6], 27) }], (k, [a]) => k.slice(a!, [1, 0, 2], [2, -1, 3]));
    await expectAgrees([{ value: rnd([3, 1], 28) }], (k, [a]) => k.broadcastTo(a!, [2, 3, 4]));
  });
  it('pad (ONNX order, negative pads crop) and gather (repeats)', async () => {
    await expectAgrees([{ value: rnd([2, 3, 4], 29) }], (k, [a]) => k.pad(a!, [0, 1, 2, 1, -1, 0], 0.5));
    await expectAgrees([{ value: rnd([3, 4], 30) }], (k, [a]) => k.gather(a!, [3, 0, 0, 2], 1));
    await expectAgrees([{ value: rnd([3, 4], 31) }], (k, [a]) => k.gather(a!, [], 0));
  });
  it('matmul: rank 2 with every transpose flag, batched rank 3 against rank 2', async () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const a = rnd(ta ? [4, 3] : [3, 4], 32);
      const b = rnd(tb ? [5, 4] : [4, 5], 33);
      await expectAgrees([{ value: a }, { value: b }], (k, [x, y]) => k.matmul(x!, y!, ta, tb));
      await expectAgrees([{ value: a }, { value: b, constant: true }], (k, [x, y]) => k.matmul(x!, y!, ta, tb));
    }
    await expectAgrees([{ value: rnd([2, 4, 3], 34) }, { value: rnd([5, 4], 35), constant: true }], (k, [x, y]) => k.matmul(x!, y!, true, true));
  });
});
