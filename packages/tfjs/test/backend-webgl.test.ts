/**
 * createTfjsModel / initTfjsBackend name 'webgl' too (the browser backend the explorer and the
 * benchmarks' browser rows run). In Node there is no WebGL context: the call is refused with a
 * typed error naming the backend, and the process keeps a working tfjs (cpu) afterwards.
 */
import { InvalidArgumentError } from '@glasswing/core';
import { deepMlpGraph } from '@glasswing/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createTfjsModel, initTfjsBackend } from '../src/index.js';

describe("tfjs backend 'webgl'", () => {
  it('is refused in Node with a typed error naming it; cpu still works after', async () => {
    const graph = deepMlpGraph({ depth: 2, width: 8, outputs: 3 });
    const err = await createTfjsModel(graph, { backend: 'webgl' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toMatch(/tfjs backend 'webgl' could not be initialised \(no usable WebGL context here\?\)/);
    await expect(initTfjsBackend('gl' as never)).rejects.toThrow(/expected 'cpu', 'wasm' or 'webgl'/);
    const model = await createTfjsModel(graph, { backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    const y = await model.forward({ shape: [2, 8], data: new Float32Array(16).fill(0.5) });
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.data).every(Number.isFinite)).toBe(true);
    await model.dispose();
  });
});
