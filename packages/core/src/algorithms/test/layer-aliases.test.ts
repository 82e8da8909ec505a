/**
 * Layer aliases through the optional `Model.resolveLayer`: layer and neuron methods map an alias
 * to the layer it names (results identical to naming the layer), the model's typed errors
 * (UnknownLayerError, FoldedLayerError) propagate, models without `resolveLayer` keep accepting
 * exactly `layerNames`; `nearestNames` / `editDistance` by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Model } from '../../model.js';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import { FoldedLayerError, InvalidArgumentError, UnknownLayerError, editDistance, nearestNames } from '../../errors.js';
import { METHODS } from '../registry.js';
import { LayerActivation } from '../layer/layer-activation.js';
import { inputsTensor, loadFixture, loadGraphJson } from './fixtures.js';

const f = loadFixture('mlp_tabular');
const graph = graphFromJSON(loadGraphJson('mlp_tabular'));
const base = createReferenceModel(graph);
const x = inputsTensor(f);

/** The reference model with module-style aliases: `block.fc2` → fc2, `head` → fc3, `bn` folded into fc2. */
function aliased(): Model {
  const aliases: Record<string, string> = { 'block.fc2': 'fc2', 'block.act': 'relu2', head: 'fc3' };
  const resolveLayer = (name: string): string => {
    if (aliases[name] !== undefined) return aliases[name]!;
    if (name === 'block.bn') throw new FoldedLayerError(name, 'fc2', `layer '${name}' was folded into fc2`);
    throw new UnknownLayerError(name, nearestNames(name, Object.keys(aliases)), `unknown layer '${name}'`);
  };
  return Object.create(base, { resolveLayer: { value: resolveLayer }, graph: { value: graph } }) as Model;
}

describe('layer aliases (Model.resolveLayer)', () => {
  const model = aliased();
  const layerMethods = Object.values(METHODS).filter((s) => s.options.includes('layer'));

  it('every layer and neuron method gives the same result for an alias as for its layer', async () => {
    expect(layerMethods.length).toBeGreaterThanOrEqual(8);
    for (const spec of layerMethods) {
      if (spec.id.includes('grad-cam')) continue; // needs an image layer; covered on the ONNX exports
      const o = { target: 2, steps: 3, ...(spec.options.includes('neuron') ? { neuron: 4 } : {}) };
      const viaAlias = await spec.run(model, x, { ...o, layer: 'block.fc2' });
      const viaLayer = await spec.run(model, x, { ...o, layer: 'fc2' });
      expect(Array.from(viaAlias.attributions.data), spec.id).toEqual(Array.from(viaLayer.attributions.data));
      expect(viaAlias.attributions.shape, spec.id).toEqual(viaLayer.attributions.shape);
    }
  });

  it("the model's typed errors propagate; names in layerNames never reach resolveLayer", async () => {
    const folded = new LayerActivation(model).attribute(x, { layer: 'block.bn' });
    await expect(folded).rejects.toBeInstanceOf(FoldedLayerError);
    await expect(folded).rejects.toMatchObject({ carrier: 'fc2', code: 'INVALID_ARGUMENT' });
    const unknown = new LayerActivation(model).attribute(x, { layer: 'hed' });
    await expect(unknown).rejects.toBeInstanceOf(UnknownLayerError);
    await expect(unknown).rejects.toMatchObject({ candidates: ['head', 'block.fc2', 'block.act'] });
    const r = await new LayerActivation(model).attribute(x, { layer: 'relu2' });
    expect(r.attributions.shape[0]).toBe(4);
  });

  it('a model without resolveLayer accepts exactly its layerNames', async () => {
    expect(typeof (base as Model).resolveLayer).toBe('undefined');
    await expect(new LayerActivation(base).attribute(x, { layer: 'block.fc2' })).rejects.toThrow(InvalidArgumentError);
    await expect(new LayerActivation(base).attribute(x, { layer: 'block.fc2' })).rejects.toThrow(/unknown layer 'block.fc2'; valid layers: /);
  });
});

describe('nearestNames', () => {
  it('edit distance by hand', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('layer4', 'layer4')).toBe(0);
    expect(editDistance('conv1', 'conv2')).toBe(1);
  });

  it('closest first; ties: names containing the query (or contained in it), then the given order', () => {
    expect(nearestNames('layer5', ['fc', 'layer1', 'layer2', 'layer4', 'avgpool'], 3)).toEqual(['layer1', 'layer2', 'layer4']);
    expect(nearestNames('conv', ['cony', 'conv1', 'x'], 2)).toEqual(['conv1', 'cony']);
    expect(nearestNames('a', ['b', 'b', 'c'])).toEqual(['b', 'c']);
  });
});
