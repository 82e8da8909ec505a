/** Activation memory per row from the inferred shapes, and rows within a budget. */
import { describe, expect, it } from 'vitest';
import { activationBytesPerRow, rowsWithinBudget } from '../memory.js';
import { createReferenceModel, REFERENCE_ROW_BUDGET_BYTES } from '../../reference-model.js';
import type { Graph } from '../graph.js';
import { mlpGraph } from './models.js';
import { randomTensor } from './helpers.js';

/** x [-1, width] → Relu → Tanh: 2·width float32 node outputs a row. */
function wide(width: number): Graph {
  return {
    name: 'wide',
    inputs: [{ name: 'x', shape: [-1, width] }],
    outputs: ['t'],
    initializers: {},
    nodes: [
      { name: 'relu', op: 'Relu', inputs: ['x'], outputs: ['r'], attrs: {} },
      { name: 'tanh', op: 'Tanh', inputs: ['r'], outputs: ['t'], attrs: {} },
    ],
  };
}

describe('activation memory', () => {
  // dense1 6 + relu1 6 + dense_a 3 + matmul_b 3 + sigmoid_b 3 + sum 3 = 24 float32 values per row.
  it('sums every node output per row (float32)', () => {
    expect(activationBytesPerRow(mlpGraph())).toBe(24 * 4);
  });
  it('rows within a budget: floor(budget / (factor · bytes per row)), at least 1, at most maxRows', () => {
    const g = mlpGraph();
    expect(rowsWithinBudget(g, { budgetBytes: 96 * 2 * 10 + 5, factor: 2 })).toBe(10);
    expect(rowsWithinBudget(g, { budgetBytes: 1, factor: 2 })).toBe(1);
    expect(rowsWithinBudget(g, { budgetBytes: 2 ** 30, factor: 2, maxRows: 1600 })).toBe(1600);
    expect(() => rowsWithinBudget(g, { budgetBytes: 0, factor: 2 })).toThrow(/positive/);
  });
});

describe('the reference executor chunks by its memory budget', () => {
  it('rows per call: floor(2^31 / (2 · node-output bytes per row)), capped at 16,384; results do not depend on it', async () => {
    const width = 2 ** 20; // 8 MiB of node outputs a row
    expect(createReferenceModel(wide(width)).maxRowsPerCall).toBe(Math.floor(REFERENCE_ROW_BUDGET_BYTES / (2 * 2 * width * 4)));
    expect(createReferenceModel(wide(width)).maxRowsPerCall).toBe(128);
    expect(createReferenceModel(mlpGraph()).maxRowsPerCall).toBe(16_384);
    const small = wide(3);
    const chunked = createReferenceModel(small, { maxBatch: 2 });
    const whole = createReferenceModel(small);
    const x = randomTensor([5, 3], 7);
    const seed = { kind: 'index' as const, indices: [0, 1, 2, 0, 1] };
    const [a, b] = [await chunked.gradient(x, { seed, layers: ['relu'] }), await whole.gradient(x, { seed, layers: ['relu'] })];
    expect(Array.from(a.inputGradient.data)).toEqual(Array.from(b.inputGradient.data));
    expect(Array.from(a.layers['relu']!.gradient.data)).toEqual(Array.from(b.layers['relu']!.gradient.data));
    expect(Array.from((await chunked.forward(x)).data)).toEqual(Array.from((await whole.forward(x)).data));
  });
});
