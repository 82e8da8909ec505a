/**
 * Memory safety of model calls: backend out-of-memory failures become ResourceErrors naming the
 * rows of the call and the option to lower (internalBatchSize / --internal-batch-size), other
 * errors pass unchanged; path methods send at most the model's maxRowsPerCall rows a call.
 */
import { describe, expect, it } from 'vitest';
import { Saliency } from '../gradient/saliency.js';
import { IntegratedGradients } from '../gradient/integrated-gradients.js';
import { linearModel, spyModel } from '../../testing/index.js';
import { tensor } from '../../tensor.js';
import type { Model } from '../../model.js';
import { asResourceError, isOutOfMemory, ResourceError, ShapeError } from '../../errors.js';

/** The linear model, failing like a backend whose memory holds at most `rows` rows per call. */
function limited(rows: number, failure: () => unknown): Model {
  const inner = linearModel([[1, 2], [3, -1]]);
  const guard = (n: number): void => {
    if (n > rows) throw failure();
  };
  return {
    ...inner,
    inputShape: inner.inputShape,
    outputShape: inner.outputShape,
    capabilities: inner.capabilities,
    layerNames: inner.layerNames,
    backend: 'tiny-heap',
    forward: async (x, o) => (guard(x.shape[0]!), inner.forward(x, o)),
    gradient: async (x, r) => (guard(x.shape[0]!), inner.gradient(x, r)),
    activations: async (x, l, o) => (guard(x.shape[0]!), inner.activations(x, l, o)),
    dispose: () => inner.dispose(),
  };
}

const X = tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);

describe('ResourceError', () => {
  it('recognises what tfjs-wasm, onnxruntime-node/web and V8 say when an allocation fails', () => {
    const said = [
      new WebAssembly.RuntimeError('memory access out of bounds'),
      new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'),
      new Error('std::bad_alloc'),
      new Error('[ErrorCode:RuntimeException] Failed to allocate memory for requested buffer of size 1073741824'),
      new RangeError('Array buffer allocation failed'),
      new RangeError('Invalid typed array length: 4294967296'),
      new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'),
      'Cannot enlarge memory arrays to size 2147549184 bytes',
    ];
    for (const e of said) expect(isOutOfMemory(e), String(e)).toBe(true);
    for (const e of [new Error('Non-zero status code returned while running Conv node'), new ShapeError('memory access out of bounds'), new TypeError('x is undefined')]) {
      expect(isOutOfMemory(e), String(e)).toBe(false);
    }
  });

  it('a failing call names the backend, its rows, the backend message and internalBatchSize', async () => {
    const model = limited(2, () => new WebAssembly.RuntimeError('memory access out of bounds'));
    const err = await new Saliency(model).attribute(X, { target: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceError);
    const r = err as ResourceError;
    expect(r.code).toBe('RESOURCE');
    expect(r.rows).toBe(4);
    expect(r.message).toMatch(/^tiny-heap ran out of memory in a gradient call of 4 rows \("memory access out of bounds"\); lower internalBatchSize \(CLI: --internal-batch-size\) below 4/);
    expect(r.cause).toBeInstanceOf(WebAssembly.RuntimeError);
    // What the message says to do works: the same attribution in calls of 2 rows.
    const ok = await new Saliency(model).attribute(X, { target: 0, internalBatchSize: 2 });
    const want = await new Saliency(linearModel([[1, 2], [3, -1]])).attribute(X, { target: 0 });
    expect(Array.from(ok.attributions.data)).toEqual(Array.from(want.attributions.data));
  });

  it('path methods: the failing chunk is named; one row that does not fit says so', async () => {
    const model = limited(0, () => new Error('std::bad_alloc'));
    const err = await new IntegratedGradients(model).attribute(tensor([1, 2], [1, 2]), { target: 0, steps: 4, internalBatchSize: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceError);
    expect((err as Error).message).toMatch(/in a (forward|gradient) call of 1 row \("std::bad_alloc"\); one row already needs more memory/);
  });

  it('other errors pass through unchanged', async () => {
    const boom = new Error('Non-zero status code returned while running Conv node');
    const err = await new Saliency(limited(0, () => boom)).attribute(X, { target: 0 }).catch((e: unknown) => e);
    expect(err).toBe(boom);
    const typed = new ResourceError('already typed', 3);
    expect(asResourceError(typed, 'b', 9)).toBe(typed);
  });
});

describe('Model.maxRowsPerCall', () => {
  it('path methods without internalBatchSize send at most maxRowsPerCall rows a call; results do not change', async () => {
    const plain = linearModel([[1, 2], [3, -1]]);
    const spy = spyModel(plain);
    const hinted: Model = { ...spy.model, maxRowsPerCall: 3 };
    const opts = { target: 1, steps: 8, baselines: 0 } as const;
    const got = await new IntegratedGradients(hinted).attribute(tensor([1, 2], [1, 2]), opts);
    const grads = spy.calls.filter((c) => c.kind === 'gradient').map((c) => c.rows);
    expect(grads).toEqual([3, 3, 2]);
    const want = await new IntegratedGradients(plain).attribute(tensor([1, 2], [1, 2]), opts);
    expect(Array.from(got.attributions.data)).toEqual(Array.from(want.attributions.data));
    // internalBatchSize, when given, wins over the hint.
    spy.calls.length = 0;
    await new IntegratedGradients(hinted).attribute(tensor([1, 2], [1, 2]), { ...opts, internalBatchSize: 8 });
    expect(spy.calls.filter((c) => c.kind === 'gradient').map((c) => c.rows)).toEqual([8]);
  });
});
