/** ChunkedModel: chunked calls give exactly the unchunked results; bad requests still fail typed. */
import { beforeAll, describe, expect, it } from 'vitest';
import { TargetError, type Graph, type Model } from '@glasswing/core';
import { createTfjsModel, importLayersModel, loadLayersArtifacts } from '../src/index.js';
import { expectClose, randomTensor } from './helpers.js';
import { modelJson } from './fixtures.js';

describe('ChunkedModel (tfjs cpu, mlp_tabular)', () => {
  let graph: Graph;
  let whole: Model;
  let chunked: Model;
  beforeAll(async () => {
    graph = importLayersModel(await loadLayersArtifacts(modelJson('mlp_tabular')));
    whole = await createTfjsModel(graph, { backend: 'cpu', maxBatch: 1000 });
    chunked = await createTfjsModel(graph, { backend: 'cpu', maxBatch: 3 });
  });

  it('tells its chunk as maxRowsPerCall', () => {
    expect(chunked.maxRowsPerCall).toBe(3);
    expect(whole.maxRowsPerCall).toBe(1000);
  });

  it('forward and activations match', async () => {
    const x = randomTensor([7, 10], 41);
    expectClose(await chunked.forward(x), await whole.forward(x), 0, 0);
    const a = await chunked.activations(x, ['fc1', 'relu2']);
    const b = await whole.activations(x, ['fc1', 'relu2']);
    expectClose(a.outputs, b.outputs, 0, 0);
    expectClose(a.layers['fc1']!, b.layers['fc1']!, 0, 0);
    expectClose(a.layers['relu2']!, b.layers['relu2']!, 0, 0);
  });

  it('gradients match with index seeds, tensor seeds, layers and overrides', async () => {
    const x = randomTensor([7, 10], 42);
    const indices = [0, 1, 2, 0, 1, 2, 0];
    const a = await chunked.gradient(x, { seed: { kind: 'index', indices }, layers: ['fc2'] });
    const b = await whole.gradient(x, { seed: { kind: 'index', indices }, layers: ['fc2'] });
    expectClose(a.inputGradient, b.inputGradient, 0, 0);
    expectClose(a.layers['fc2']!.gradient, b.layers['fc2']!.gradient, 0, 0);
    const seed = randomTensor([7, 3], 43);
    const override = randomTensor([7, 64], 44);
    const c = await chunked.gradient(x, { seed: { kind: 'tensor', seed }, overrides: { relu1: override }, layers: ['relu1'] });
    const d = await whole.gradient(x, { seed: { kind: 'tensor', seed }, overrides: { relu1: override }, layers: ['relu1'] });
    expectClose(c.outputs, d.outputs, 0, 0);
    expectClose(c.layers['relu1']!.gradient, d.layers['relu1']!.gradient, 0, 0);
  });

  it('a seed with the wrong number of targets is still a TargetError', async () => {
    const x = randomTensor([7, 10], 45);
    await expect(chunked.gradient(x, { seed: { kind: 'index', indices: [0, 1] } })).rejects.toBeInstanceOf(TargetError);
  });

  it('honours an aborted signal', async () => {
    const x = randomTensor([7, 10], 46);
    const ac = new AbortController();
    ac.abort();
    await expect(chunked.forward(x, { signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
