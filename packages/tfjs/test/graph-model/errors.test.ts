/**
 * Typed errors of the graph-model importer: control flow (ControlFlowError naming every op and
 * node), unknown ops and unsupported configurations (one UnsupportedGraphOpsError listing them
 * all), ambiguous inputs / outputs, unknown input shapes, broken files; and the fixed-batch and
 * explicit-output cases that do import.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ModelFormatError, UnsupportedOpError, createReferenceModel } from '@glasswing/core';
import { ControlFlowError, UnsupportedGraphOpsError, importGraphModel, initTfjsBackend, loadGraphModelArtifacts, loadLayersArtifacts } from '../../src/index.js';
import { A, GraphBuilder } from '../fixtures/graph-models/builder.mjs';
import { expectClose, randomTensor } from '../helpers.js';
import { artifactsOf, converterModel, converterPredict, fixturePath } from './helpers.js';

const F = A.type();
const I32 = A.type('DT_INT32');

beforeAll(async () => {
  await initTfjsBackend('cpu'); // tfjs-converter, the reference runtime
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('control flow', () => {
  it('TF1 loops (Enter / Merge / Switch / NextIteration / Exit / LoopCond) name every op and node', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 3]);
    const enter = g.node('while/Enter', 'Enter', [x], { T: F, frame_name: A.str('while') });
    const merge = g.node('while/Merge', 'Merge', [enter, 'while/NextIteration'], { T: F, N: A.int(2) });
    const less = g.node('while/Less', 'Less', [merge, g.scalar('while/limit', 5)], { T: F });
    const cond = g.node('while/LoopCond', 'LoopCond', [less]);
    const sw = g.node('while/Switch', 'Switch', [merge, cond], { T: F });
    const body = g.node('while/add', 'AddV2', [`${sw}:1`, g.scalar('while/one', 1)], { T: F });
    g.node('while/NextIteration', 'NextIteration', [body], { T: F });
    g.node('while/Exit', 'Exit', [sw], { T: F });
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect(e).toBeInstanceOf(ControlFlowError);
    expect(e).toBeInstanceOf(UnsupportedOpError);
    const issues = (e as ControlFlowError).issues.map((i) => `${i.op}:${i.node}`).sort();
    expect(issues).toEqual(['Enter:while/Enter', 'Exit:while/Exit', 'LoopCond:while/LoopCond', 'Merge:while/Merge', 'NextIteration:while/NextIteration', 'Switch:while/Switch']);
    expect(e.message).toContain('control flow');
    expect(e.message).toContain('Merge (node while/Merge)');
  });

  it('TF2 functional control flow and tensor lists', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 3]);
    const w = g.node('model/while', 'StatelessWhile', [x], { T: A.type() });
    const c = g.node('model/cond', 'StatelessIf', [g.node('model/pred', 'Placeholder', [], { dtype: A.type('DT_BOOL'), shape: A.shape([]) }), w], {});
    const l = g.node('model/list', 'TensorListFromTensor', [c, g.ints('model/list/shape', [3])], {});
    g.node('out', 'TensorListStack', [l, g.ints('model/stack/shape', [3])], {});
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect(e).toBeInstanceOf(ControlFlowError);
    expect((e as ControlFlowError).issues.map((i) => i.op).sort()).toEqual(['StatelessIf', 'StatelessWhile', 'TensorListFromTensor', 'TensorListStack']);
  });
});

describe('unsupported ops and configurations are listed all at once', () => {
  it('ops with no IR mapping', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 4, 4, 2]);
    const r1 = g.node('resize_a', 'ResizeBilinear', [x, g.ints('size', [8, 8])], { T: F });
    const r2 = g.node('resize_b', 'ResizeBilinear', [r1, g.ints('size2', [4, 4])], { T: F });
    const at = g.node('atan', 'Atan2', [r2, r2], { T: F });
    g.node('top', 'TopKV2', [at, g.ints('k', [2], [])], { T: F });
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect(e).toBeInstanceOf(UnsupportedGraphOpsError);
    expect((e as UnsupportedGraphOpsError).issues.map((i) => i.node).sort()).toEqual(['atan', 'resize_a', 'resize_b', 'top']);
    expect(e.message).toContain('ResizeBilinear (2 nodes: ');
    expect(e.message).toContain('Atan2 (node atan)');
  });

  it('supported ops in unsupported configurations, each with its reason', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 4, 4, 2]);
    const nchw = g.node('conv_nchw', 'Conv2D', [x, g.rand('w', [1, 1, 2, 2])], { T: F, strides: A.ints([1, 1, 1, 1]), padding: A.str('SAME'), data_format: A.str('NCHW') });
    const bn = g.node('bn_train', 'FusedBatchNormV3', [x, g.rand('s', [2]), g.rand('o', [2]), g.rand('m', [2]), g.rand('v', [2], 1, 2)], { T: F, is_training: A.bool(true) });
    const mx = g.node('max2', 'Maximum', [x, g.node('sq', 'Square', [x], { T: F })], { T: F });
    const size = g.node('dyn/Size', 'Size', [x], { T: F, out_type: I32 });
    const tile = g.node('tiled', 'Tile', [x, g.ints('mult', [1, 2, 1, 1])], { T: F });
    const sum = g.node('sum', 'AddN', [nchw, bn, mx], { T: F, N: A.int(3) });
    g.node('out', 'ConcatV2', [sum, tile, g.node('dyn/axis', 'FloorMod', [size, g.ints('dyn/four', [4], [])], { T: I32 })], { T: F, N: A.int(2) });
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect(e).toBeInstanceOf(UnsupportedGraphOpsError);
    const byNode = Object.fromEntries((e as UnsupportedGraphOpsError).issues.map((i) => [i.node, i.reason]));
    expect(Object.keys(byNode).sort()).toEqual(['bn_train', 'conv_nchw', 'max2', 'tiled']);
    expect(byNode['conv_nchw']).toContain('data_format NCHW');
    expect(byNode['bn_train']).toContain('is_training');
    expect(byNode['max2']).toContain('two activations');
    expect(byNode['tiled']).toContain('only supported on constants');
  });

  it('a Const whose value is missing from the manifest', () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 3]);
    g.node('ghost', 'Const', [], { dtype: F, value: { tensor: { dtype: 'DT_FLOAT' } } });
    g.node('out', 'Mul', [x, 'ghost'], { T: F });
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect((e as UnsupportedGraphOpsError).issues).toEqual([{ op: 'Const', node: 'ghost', reason: 'its value is missing from the weights manifest' }]);
  });
});

describe('inputs, outputs and shapes', () => {
  const twoHeads = () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, 3]);
    g.node('head_a', 'MatMul', [x, g.rand('wa', [3, 2])], { T: F });
    g.node('head_b', 'MatMul', [x, g.rand('wb', [3, 4])], { T: F });
    return g.build();
  };

  it('several outputs without a signature: the outputName option chooses', () => {
    const files = twoHeads();
    const e = catchError(() => importGraphModel(artifactsOf(files)));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toContain('head_a, head_b');
    expect(importGraphModel(artifactsOf(files), { outputName: 'head_b' }).outputs).toEqual(['head_b']);
    expect(importGraphModel(artifactsOf(files), { outputName: 'head_a:0' }).outputs).toEqual(['head_a']);
    expect(() => importGraphModel(artifactsOf(files), { outputName: 'nope' })).toThrow(InvalidArgumentError);
  });

  it('an intermediate node as the output (explain the logits of a softmax model)', async () => {
    const graph = importGraphModel(await loadGraphModelArtifacts(fixturePath('convnet')), { outputName: 'head/logits/BiasAdd' });
    expect(graph.outputs).toEqual(['head/logits/BiasAdd']);
    expect(graph.nodes.some((n) => n.op === 'Softmax')).toBe(false);
  });

  it('several inputs: refused with their names', () => {
    const g = new GraphBuilder();
    const a = g.placeholder('a', [-1, 3]);
    const b = g.placeholder('b', [-1, 3]);
    g.node('out', 'AddV2', [a, b], { T: F });
    const e = catchError(() => importGraphModel(artifactsOf(g.build())));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect(e.message).toContain('a, b');
    const chosen = catchError(() => importGraphModel(artifactsOf(g.build()), { inputName: 'a' }));
    expect((chosen as UnsupportedGraphOpsError).issues[0]).toMatchObject({ node: 'b', op: 'Placeholder' });
  });

  it('unknown spatial dimensions need the inputShape option', async () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [-1, -1, -1, 2]);
    const c = g.node('conv', 'Conv2D', [x, g.rand('w', [3, 3, 2, 3])], { T: F, strides: A.ints([1, 1, 1, 1]), dilations: A.ints([1, 1, 1, 1]), padding: A.str('SAME'), data_format: A.str('NHWC') });
    g.node('out', 'Mean', [c, g.ints('axes', [1, 2])], { T: F, keep_dims: A.bool(false) });
    const files = g.build();
    const e = catchError(() => importGraphModel(artifactsOf(files)));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toContain('inputShape');
    const graph = importGraphModel(artifactsOf(files), { inputShape: [1, 5, 6, 2] });
    expect(graph.inputs[0]!.shape).toEqual([-1, 5, 6, 2]);
    const x0 = randomTensor([2, 5, 6, 2], 41);
    const conv = await converterModel(files);
    expectClose(await createReferenceModel(graph).forward(x0), converterPredict(conv, x0), 1e-5, 1e-5);
    conv.dispose();
  });

  it('a model converted for batch 1 runs any batch: its hard-coded leading 1 stays the batch', async () => {
    const g = new GraphBuilder();
    const x = g.placeholder('x', [1, 2, 3]);
    const r = g.node('flat', 'Reshape', [x, g.ints('flat/shape', [1, 6])], { T: F, Tshape: I32 });
    g.node('out', 'MatMul', [r, g.rand('w', [6, 2])], { T: F });
    const files = g.build();
    const graph = importGraphModel(artifactsOf(files));
    expect(graph.nodes.find((n) => n.name === 'flat')?.attrs).toEqual({ shape: [0, 6] });
    const conv = await converterModel(files);
    const x3 = randomTensor([3, 2, 3], 42);
    const ours = await createReferenceModel(graph).forward(x3);
    for (let i = 0; i < 3; i++) {
      const xi = { shape: [1, 2, 3], data: x3.data.slice(i * 6, i * 6 + 6) };
      expectClose({ shape: [1, 2], data: ours.data.slice(i * 2, i * 2 + 2) }, converterPredict(conv, xi), 1e-5, 1e-5);
    }
    conv.dispose();
  });

  it('an output that does not depend on the input, or that loses the batch', () => {
    const g = new GraphBuilder();
    g.placeholder('x', [-1, 3]);
    g.node('out', 'Mul', [g.scalar('a', 2), g.scalar('b', 3)], { T: F });
    const e = catchError(() => importGraphModel(artifactsOf(g.build()), { outputName: 'out' }));
    expect(e).toBeInstanceOf(ModelFormatError);
    const h = new GraphBuilder();
    const x = h.placeholder('x', [-1, 3]);
    h.node('out', 'Sum', [x, h.ints('axes', [0, 1])], { T: F, keep_dims: A.bool(false) });
    const e2 = catchError(() => importGraphModel(artifactsOf(h.build())));
    expect(e2).toBeInstanceOf(UnsupportedOpError);
    expect(e2.message).toContain('batch');
  });
});

describe('files', () => {
  it('loadLayersArtifacts refuses a graph model, loadGraphModelArtifacts a LayersModel, both naming the file', async () => {
    await expect(loadLayersArtifacts(fixturePath('convnet'))).rejects.toThrow(/graph model.*fromTfjsGraphModel/);
    const layers = fixturePath('convnet').replace(/graph-models\/convnet\/model\.json$/, 'lenet_mnist/model.json');
    await expect(loadGraphModelArtifacts(layers)).rejects.toThrow(ModelFormatError);
    await expect(loadGraphModelArtifacts(fixturePath('nope'))).rejects.toThrow(/cannot read/);
  });

  it('truncated weights', () => {
    const files = new GraphBuilder();
    const x = files.placeholder('x', [-1, 3]);
    files.node('out', 'MatMul', [x, files.rand('w', [3, 2])], { T: F });
    const built = files.build();
    const cut = { ...artifactsOf(built), weightData: built.bytes.slice(0, 10) };
    expect(() => importGraphModel(cut)).toThrow(/truncated/);
  });
});
