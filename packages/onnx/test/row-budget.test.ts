/**
 * Default rows per session run from the graph's activation memory (ONNX_ROW_BUDGET_BYTES), the
 * model's maxRowsPerCall, and balanced chunks (one session for a call split in equal halves).
 */
import { createReferenceModel, type Graph } from '@glasswing/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxModel, defaultMaxBatch, loadRuntime, ONNX_ROW_BUDGET_BYTES, type OnnxModel } from '../src/index.js';
import { randomTensor } from './helpers/onnx-builder.js';
import { expectClose } from './support/symbolic-harness.js';

/** x [-1, width] → Relu → Sigmoid → Tanh: 3·width float32 node outputs a row. */
function wide(width: number): Graph {
  return {
    name: 'wide',
    inputs: [{ name: 'x', shape: [-1, width] }],
    outputs: ['t'],
    initializers: {},
    nodes: [
      { name: 'relu', op: 'Relu', inputs: ['x'], outputs: ['r'], attrs: {} },
      { name: 'sigmoid', op: 'Sigmoid', inputs: ['r'], outputs: ['s'], attrs: {} },
      { name: 'tanh', op: 'Tanh', inputs: ['s'], outputs: ['t'], attrs: {} },
    ],
  };
}

const open: OnnxModel[] = [];
afterAll(async () => {
  for (const m of open) await m.dispose();
});

describe('rows per session run', () => {
  it('follow the activation memory: floor(budget / node-output bytes per row), capped at 1600 (node) / 400 (web)', async () => {
    const node = await loadRuntime('onnx-node');
    const web = await loadRuntime('onnx-web');
    const width = 2 ** 20; // 12 MiB of node outputs a row
    expect(defaultMaxBatch(node, wide(width))).toBe(Math.floor(ONNX_ROW_BUDGET_BYTES / (3 * width * 4)));
    expect(defaultMaxBatch(node, wide(width))).toBe(85);
    expect(defaultMaxBatch(node, wide(16))).toBe(1600);
    expect(defaultMaxBatch(web, wide(16))).toBe(400);
    expect(defaultMaxBatch(node)).toBe(1600);
    const model = await createOnnxModel(wide(width));
    open.push(model);
    expect(model.maxRowsPerCall).toBe(85);
    const set = await createOnnxModel(wide(width), { maxBatch: 7 });
    open.push(set);
    expect(set.maxRowsPerCall).toBe(7);
  });

  it('a call over more rows runs in balanced chunks: 20 rows at 12 a run are two runs of 10 (one session)', async () => {
    const graph = wide(5);
    const model = await createOnnxModel(graph, { maxBatch: 12 });
    open.push(model);
    const x = randomTensor([20, 5], 3);
    const want = await createReferenceModel(graph).gradient(x, { seed: { kind: 'index', indices: Array.from({ length: 20 }, (_, i) => i % 5) } });
    const got = await model.gradient(x, { seed: { kind: 'index', indices: Array.from({ length: 20 }, (_, i) => i % 5) } });
    expectClose(got.inputGradient, want.inputGradient, 1e-6);
    expect(model.sessionsCreated).toBe(1);
    expectClose(await model.forward(x), want.outputs, 1e-6);
    expect(model.sessionsCreated).toBe(2); // + the forward session, again one for both halves
  });
});
