/** Activation memory per row from the inferred shapes, and rows within a budget. */
import { describe, expect, it } from 'vitest';
import { activationBytesPerRow, rowsWithinBudget } from '../memory.js';
import { mlpGraph } from './models.js';

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
