/**
 * PyTorch module paths as layer names: the module index of torch.onnx-style node names (leaf,
 * container, nested Sequentials, residual blocks, a module called twice, a removed Dropout, a
 * module with two outputs) on a hand-built model, and the resolution table of the committed
 * torchvision ResNet / MobileNetV2 exports (expected nodes written from torchvision's module
 * structure), folded BatchNorms and unknown names.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FoldedLayerError, InvalidArgumentError, UnknownLayerError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { describeLayerName, importOnnxModel, modulesByLayer, resolveLayerName, scopeOf } from '../src/import/index.js';
import { OnnxBuilder } from './helpers/onnx-builder.js';

const tv = (name: string) => importOnnxModel(readFileSync(fileURLToPath(new URL(`./fixtures/torchvision/${name}.onnx`, import.meta.url))));

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/**
 * x -> /fc1/Gemm -> /act/Relu -> block: [/block/block.0/Gemm, (block.1 = Dropout, removed),
 * /block/block.2/Relu] + residual /block/Add -> /act_1/Relu (act again) -> two: /two/Relu and
 * /two/Sigmoid, both leaving the scope -> /Add -> /head/Gemm -> y. Identity_0 is unscoped.
 */
function handBuilt() {
  return new OnnxBuilder(13)
    .input('x', ['N', 4])
    .output('y')
    .init('fc1.weight', [4, 4])
    .init('block.0.weight', [4, 4])
    .init('head.weight', [3, 4])
    .node('Gemm', ['x', 'fc1.weight'], ['/fc1/Gemm_output_0'], { transB: 1 }, '/fc1/Gemm')
    .node('Relu', ['/fc1/Gemm_output_0'], ['/act/Relu_output_0'], {}, '/act/Relu')
    .node('Gemm', ['/act/Relu_output_0', 'block.0.weight'], ['/block/block.0/Gemm_output_0'], { transB: 1 }, '/block/block.0/Gemm')
    .node('Relu', ['/block/block.0/Gemm_output_0'], ['/block/block.2/Relu_output_0'], {}, '/block/block.2/Relu')
    .node('Add', ['/block/block.2/Relu_output_0', '/act/Relu_output_0'], ['/block/Add_output_0'], {}, '/block/Add')
    .node('Relu', ['/block/Add_output_0'], ['/act_1/Relu_output_0'], {}, '/act_1/Relu')
    .node('Identity', ['/act_1/Relu_output_0'], ['id_out'], {}, 'Identity_0')
    .node('Relu', ['id_out'], ['/two/Relu_output_0'], {}, '/two/Relu')
    .node('Sigmoid', ['id_out'], ['/two/Sigmoid_output_0'], {}, '/two/Sigmoid')
    .node('Add', ['/two/Relu_output_0', '/two/Sigmoid_output_0'], ['/Add_output_0'], {}, '/Add')
    .node('Gemm', ['/Add_output_0', 'head.weight'], ['y'], { transB: 1 }, '/head/Gemm')
    .build();
}

describe('module paths of torch.onnx node names', () => {
  it('scopeOf splits the scopes from the op part; unscoped names have none', () => {
    expect(scopeOf('/layer2/layer2.1/conv2/Conv')).toEqual(['layer2', 'layer2.1', 'conv2']);
    expect(scopeOf('/Flatten')).toEqual([]);
    expect(scopeOf('Identity_0')).toBeUndefined();
  });

  const r = importOnnxModel(handBuilt());

  it('indexes leaves, containers, repeated calls and the module input', () => {
    const m = r.modules.modules;
    expect(Object.keys(m)).toEqual(['fc1', 'act', 'block', 'block.0', 'block.2', 'two', 'head']);
    expect(m['fc1']).toMatchObject({ kind: 'leaf', calls: 1, node: '/fc1/Gemm', layer: '/fc1/Gemm', foldedNorm: false });
    expect(m['act']).toMatchObject({ kind: 'leaf', calls: 2, node: '/act_1/Relu', earlierCalls: ['/act/Relu'] });
    // The residual Add is the block's output: the only tensor leaving its scope.
    expect(m['block']).toMatchObject({ kind: 'container', node: '/block/Add', tensor: '/block/Add_output_0' });
    expect(r.modules.children['']).toEqual(['fc1', 'act', 'block', 'two', 'head']);
    expect(r.modules.children['block']).toEqual(['0', '2']);
    expect(r.modules.inputs['block']).toMatchObject({ tensor: '/act/Relu_output_0', node: '/act/Relu' });
    expect(m['two']!.problem).toMatch(/has 2 outputs/);
    expect(modulesByLayer(r.modules)['/block/Add']).toEqual(['block']);
  });

  it('resolves module paths (also model.x and x[k] spellings) and notes a module called twice', () => {
    expect(resolveLayerName(r, 'block')).toBe('/block/Add');
    expect(resolveLayerName(r, 'block.0')).toBe('/block/block.0/Gemm');
    expect(resolveLayerName(r, 'model.block[2]')).toBe('/block/block.2/Relu');
    const act = describeLayerName(r, 'act');
    expect(act).toMatchObject({ layer: '/act_1/Relu', via: 'module' });
    expect(act.notes.join(' ')).toMatch(/runs 2 times.*last call \(\/act_1\/Relu\).*\/act\/Relu/);
    // Node and tensor names still win and carry no module notes.
    expect(describeLayerName(r, '/act/Relu')).toMatchObject({ layer: '/act/Relu', via: 'layer', notes: [] });
    expect(describeLayerName(r, '/act/Relu_output_0')).toMatchObject({ layer: '/act/Relu', via: 'onnx-name' });
  });

  it('a Sequential gap is a module removed by the exporter; its output is the previous child', () => {
    const e = thrown(() => resolveLayerName(r, 'block.1'));
    expect(e).toBeInstanceOf(FoldedLayerError);
    expect((e as FoldedLayerError).carrier).toBe('/block/block.0/Gemm');
    expect(e.message).toMatch(/module 'block.1' has no node.*removed it.*Dropout.*\/block\/block.0\/Gemm; use layer 'block.0' or '\/block\/block.0\/Gemm'/);
  });

  it('unknown names and ambiguous modules are typed errors with candidates', () => {
    const e = thrown(() => resolveLayerName(r, 'blok'));
    expect(e).toBeInstanceOf(UnknownLayerError);
    expect((e as UnknownLayerError).candidates[0]).toBe('block');
    expect(e.message).toMatch(/unknown layer 'blok'.*nearest: block/);
    // Index 3 is past the Sequential's last child: nothing says it existed.
    expect(thrown(() => resolveLayerName(r, 'block.3'))).toBeInstanceOf(UnknownLayerError);
    const two = thrown(() => resolveLayerName(r, 'two'));
    expect(two).toBeInstanceOf(InvalidArgumentError);
    expect(two.message).toMatch(/module 'two' has 2 outputs.*\/two\/Relu_output_0.*\/two\/Sigmoid_output_0/);
  });

  it('a model whose node names carry no scopes says module paths are unavailable', () => {
    const bytes = new OnnxBuilder(13).input('x', ['N', 2]).output('y').node('Relu', ['x'], ['y'], {}, 'Relu_0').build();
    const plain = importOnnxModel(bytes);
    expect(Object.keys(plain.modules.modules)).toEqual([]);
    expect(thrown(() => resolveLayerName(plain, 'relu')).message).toMatch(/carry no PyTorch module scopes/);
  });
});

describe('torchvision ResNet export (BasicBlock, [1, 2, 1, 1])', () => {
  const r = tv('resnet_tv');
  const table: [string, string][] = [
    ['conv1', '/conv1/Conv'],
    ['relu', '/relu/Relu'],
    ['maxpool', '/maxpool/MaxPool'],
    ['layer1', '/layer1/layer1.0/relu_1/Relu'],
    ['layer1.0.relu', '/layer1/layer1.0/relu_1/Relu'],
    ['layer2.0.downsample', '/layer2/layer2.0/downsample/downsample.0/Conv'],
    ['layer2.0.downsample.0', '/layer2/layer2.0/downsample/downsample.0/Conv'],
    ['layer2.1', '/layer2/layer2.1/relu_1/Relu'],
    ['layer2.1.conv2', '/layer2/layer2.1/conv2/Conv'],
    ['layer2', '/layer2/layer2.1/relu_1/Relu'],
    ['layer4', '/layer4/layer4.0/relu_1/Relu'],
    ['avgpool', '/avgpool/GlobalAveragePool'],
    ['fc', '/fc/Gemm'],
  ];
  it.each(table)('%s -> %s', (name, node) => {
    expect(resolveLayerName(r, name)).toBe(node);
  });

  it('kinds, calls and folded normalisations', () => {
    const m = r.modules.modules;
    expect(m['layer2.1']!.kind).toBe('container');
    expect(m['layer2.1.conv2']).toMatchObject({ kind: 'leaf', foldedNorm: true });
    expect(m['fc']!.foldedNorm).toBe(false);
    expect(m['layer1.0.relu']!.calls).toBe(2);
    expect(describeLayerName(r, 'conv1').notes.join(' ')).toMatch(/folded a normalisation \(BatchNorm\) into \/conv1\/Conv/);
    expect(modulesByLayer(r.modules)['/layer4/layer4.0/relu_1/Relu']).toEqual(['layer4', 'layer4.0', 'layer4.0.relu']);
  });

  it.each([
    ['bn1', '/conv1/Conv', 'conv1'],
    ['layer2.1.bn2', '/layer2/layer2.1/conv2/Conv', 'layer2.1.conv2'],
    ['layer2.0.downsample.1', '/layer2/layer2.0/downsample/downsample.0/Conv', 'layer2.0.downsample.0'],
  ])('folded %s names %s', (name, node, alias) => {
    const e = thrown(() => resolveLayerName(r, name));
    expect(e).toBeInstanceOf(FoldedLayerError);
    expect((e as FoldedLayerError).carrier).toBe(node);
    expect(e.message).toContain(`module '${name}' has no node in this ONNX export: the exporter folded it (a BatchNorm) into ${node}`);
    expect(e.message).toContain(`use layer '${alias}' or '${node}'`);
  });

  it('unknown names list the nearest module paths', () => {
    const e = thrown(() => resolveLayerName(r, 'layer2.1.conv3')) as UnknownLayerError;
    expect(e).toBeInstanceOf(UnknownLayerError);
    expect(e.candidates.slice(0, 2)).toEqual(['layer2.1.conv1', 'layer2.1.conv2']);
    expect(thrown(() => resolveLayerName(r, 'bn3'))).toBeInstanceOf(UnknownLayerError);
    const five = thrown(() => resolveLayerName(r, 'layer5')).message;
    expect(five).toMatch(/nearest: layer1, layer2, layer3, layer4/);
    expect(five).toMatch(/the model has children conv1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc;/);
  });
});

describe('torchvision MobileNetV2 export (width 0.25)', () => {
  const r = tv('mobilenet_v2_tv');
  const table: [string, string][] = [
    ['features', '/features/features.18/features.18.2/Clip'],
    ['features.18', '/features/features.18/features.18.2/Clip'],
    ['features[18]', '/features/features.18/features.18.2/Clip'],
    ['features.0.0', '/features/features.0/features.0.0/Conv'],
    ['features.0.2', '/features/features.0/features.0.2/Clip'],
    // InvertedResidual with a residual connection: the Add; without one: its last conv.
    ['features.3', '/features/features.3/Add'],
    ['features.4', '/features/features.4/conv/conv.2/Conv'],
    ['features.3.conv', '/features/features.3/conv/conv.2/Conv'],
    ['features.3.conv.1', '/features/features.3/conv/conv.1/conv.1.2/Clip'],
    ['features.3.conv.1.0', '/features/features.3/conv/conv.1/conv.1.0/Conv'],
    ['features.1.conv', '/features/features.1/conv/conv.1/Conv'],
    ['classifier', '/classifier/classifier.1/Gemm'],
    ['classifier.1', '/classifier/classifier.1/Gemm'],
  ];
  it.each(table)('%s -> %s', (name, node) => {
    expect(resolveLayerName(r, name)).toBe(node);
  });

  it.each([
    ['features.0.1', '/features/features.0/features.0.0/Conv', /folded it \(a BatchNorm\) into/],
    ['features.3.conv.3', '/features/features.3/conv/conv.2/Conv', /folded it \(a BatchNorm\) into/],
    ['features.18.1', '/features/features.18/features.18.0/Conv', /folded it \(a BatchNorm\) into/],
    ['classifier.0', '/Flatten', /removed it \(an identity in eval mode, such as Dropout\), so its output is its input, the output of \/Flatten; use layer '\/Flatten'/],
  ])('folded %s names %s', (name, node, message) => {
    const e = thrown(() => resolveLayerName(r, name));
    expect(e).toBeInstanceOf(FoldedLayerError);
    expect((e as FoldedLayerError).carrier).toBe(node);
    expect(e.message).toMatch(message);
  });

  it('an unknown block index is an error with candidates', () => {
    const e = thrown(() => resolveLayerName(r, 'features.19')) as UnknownLayerError;
    expect(e).toBeInstanceOf(UnknownLayerError);
    expect(e.candidates).toContain('features.1');
    expect(e.message).toMatch(/module 'features' has children 0–18; if 'features.19' is a module of your PyTorch model, the exporter removed or folded it/);
  });
});
