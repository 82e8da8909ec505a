import { describe, expect, it } from 'vitest';
import { ModelFormatError, UnsupportedOpError } from '../../errors.js';
import { createReferenceModel } from '../../reference-model.js';
import type { Graph, GraphNode } from '../graph.js';
import { graphFromJSON, graphToJSON, parseGraph, serializeGraph } from '../serialize.js';
import { inferGraphShapes, validateGraph } from '../validate.js';
import { expectClose, randomTensor } from './helpers.js';
import { cnnGraph, mlpGraph } from './models.js';

function withNodes(g: Graph, nodes: GraphNode[]): Graph {
  return { ...g, nodes };
}

describe('inferGraphShapes', () => {
  it('infers every tensor shape with a dynamic batch', () => {
    const s = inferGraphShapes(cnnGraph('NCHW'));
    expect(s['x']).toEqual([-1, 2, 6, 6]);
    expect(s['conv1:0']).toEqual([-1, 3, 6, 6]);
    expect(s['pool1:0']).toEqual([-1, 3, 3, 3]);
    expect(s['conv2:0']).toEqual([-1, 4, 3, 3]);
    expect(s['pool2:0']).toEqual([-1, 4, 2, 2]);
    expect(s['flatten:0']).toEqual([-1, 16]);
    expect(s['logits:0']).toEqual([-1, 5]);
    expect(inferGraphShapes(cnnGraph('NHWC'))['pool2:0']).toEqual([-1, 2, 2, 4]);
  });
});

describe('validateGraph', () => {
  const g = mlpGraph();
  it('accepts the test graphs', () => {
    expect(() => validateGraph(g)).not.toThrow();
    expect(() => validateGraph(cnnGraph('NHWC'))).not.toThrow();
  });
  it('rejects structural problems with ModelFormatError naming the node or field', () => {
    const n = [...g.nodes];
    expect(() => validateGraph({ ...g, inputs: [...g.inputs, { name: 'y', shape: [-1, 2] }] })).toThrow(/exactly one input/);
    expect(() => validateGraph({ ...g, outputs: ['a', 'b'] })).toThrow(/exactly one output/);
    expect(() => validateGraph({ ...g, outputs: ['nowhere'] })).toThrow(/nowhere/);
    expect(() => validateGraph(withNodes(g, [n[1]!, n[0]!, ...n.slice(2)]))).toThrow(/relu1.*not defined before use/);
    expect(() => validateGraph(withNodes(g, [...n, { ...n[1]!, outputs: ['other'] }]))).toThrow(/duplicate node name relu1/);
    expect(() => validateGraph(withNodes(g, [...n, { ...n[1]!, name: 'r2' }]))).toThrow(/r2.*redefines/);
    expect(() => validateGraph(withNodes(g, [...n, { ...n[1]!, name: 'r3', inputs: ['ghost'], outputs: ['o3'] }]))).toThrow(/r3.*ghost/);
    expect(() => validateGraph({ ...g, initializers: { ...g.initializers, w1: { shape: [6, 4], data: new Float32Array(5) } } })).toThrow(
      /initializer w1/,
    );
    expect(() => validateGraph(withNodes(g, [{ ...n[0]!, attrs: { transB: [Number.NaN] } }, ...n.slice(1)]))).toThrow(/dense1.*transB/);
    expect(() => validateGraph(withNodes(g, [{ ...n[0]!, attrs: { transB: 'yes' } }, ...n.slice(1)]))).toThrow(ModelFormatError);
  });
  it('rejects shape inconsistencies as ModelFormatError naming the node', () => {
    const n = [...g.nodes];
    const bad = { ...n[2]!, inputs: ['relu1:0', 'w1', 'ba'] }; // [N,6] x [6,4]... w1 is [6,4] -> inner ok, C [3] vs [N,4]
    expect(() => validateGraph(withNodes(g, [n[0]!, n[1]!, bad, ...n.slice(3)]))).toThrow(/dense_a/);
    expect(() => validateGraph(withNodes(g, [n[0]!, n[1]!, bad, ...n.slice(3)]))).toThrow(ModelFormatError);
  });
  it('rejects unknown ops and unsupported configurations with UnsupportedOpError naming the node', () => {
    const n = [...g.nodes];
    const unknown = { ...n[1]!, op: 'Einsum' } as unknown as GraphNode;
    expect(() => validateGraph(withNodes(g, [n[0]!, unknown, ...n.slice(2)]))).toThrow(UnsupportedOpError);
    expect(() => validateGraph(withNodes(g, [n[0]!, unknown, ...n.slice(2)]))).toThrow(/Einsum.*relu1/);
    // A parameter (Gemm weights are data for Gemm, but Conv weights are not) computed from the input.
    const cnn = cnnGraph('NCHW');
    const conv = cnn.nodes[0]!;
    const evil = withNodes(cnn, [{ ...conv, inputs: ['x', 'x'] }, ...cnn.nodes.slice(1)]);
    expect(() => validateGraph(evil)).toThrow(UnsupportedOpError);
    const twoOut = withNodes(cnn, [...cnn.nodes.slice(0, 2), { ...cnn.nodes[2]!, outputs: ['pool1:0', 'idx'] }, ...cnn.nodes.slice(3)]);
    expect(() => validateGraph(twoOut)).toThrow(UnsupportedOpError);
  });
});

describe('graph JSON', () => {
  it('round-trips through serializeGraph / parseGraph with identical outputs', async () => {
    for (const g of [mlpGraph(), cnnGraph('NHWC')]) {
      const text = serializeGraph(g);
      const json = JSON.parse(text);
      expect(json.format).toBe('glasswing-graph');
      expect(json.version).toBe(1);
      expect(typeof Object.values(json.initializers as Record<string, { base64: string }>)[0]!.base64).toBe('string');
      const back = parseGraph(text);
      expect(back.nodes).toEqual(g.nodes);
      for (const [name, t] of Object.entries(g.initializers)) {
        expect(Array.from(back.initializers[name]!.data)).toEqual(Array.from(t.data));
      }
      const x = randomTensor([2, ...createReferenceModel(g).inputShape], 3);
      expectClose(await createReferenceModel(back).forward(x), await createReferenceModel(g).forward(x), 0);
    }
  });

  it('accepts number arrays for initializers', () => {
    const json = graphToJSON(mlpGraph());
    const plain = {
      ...json,
      initializers: Object.fromEntries(
        Object.entries(mlpGraph().initializers).map(([k, t]) => [k, { shape: [...t.shape], data: Array.from(t.data) }]),
      ),
    };
    const g = graphFromJSON(plain);
    expect(Array.from(g.initializers['w1']!.data)).toEqual(Array.from(mlpGraph().initializers['w1']!.data));
  });

  it('encodes float32 little-endian base64 exactly', () => {
    const g = mlpGraph();
    const json = graphToJSON({ ...g, initializers: { ...g.initializers, b1: { shape: [6], data: Float32Array.from([1, -2, 0.5, 0, 3, 1e-8]) } } });
    // 1.0f = 00 00 80 3F (LE)
    expect(json.initializers['b1']!.base64!.startsWith('AACAPw')).toBe(true);
    const back = graphFromJSON(json);
    expect(Array.from(back.initializers['b1']!.data)).toEqual(Array.from(Float32Array.from([1, -2, 0.5, 0, 3, 1e-8])));
  });

  it('rejects corrupt input with ModelFormatError naming the field', () => {
    const good = graphToJSON(mlpGraph());
    const cases: [unknown, RegExp][] = [
      ['nope', /root/],
      [{ ...good, format: 'onnx' }, /format/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, inputs: [{ name: 'x', shape: [-1, 'a'] }] }, /inputs\[0\]\.shape\[1\]/],
      [{ ...good, nodes: [{ ...good.nodes[0]!, inputs: 'x' }] }, /nodes\[0\]\.inputs/],
      [{ ...good, nodes: [{ ...good.nodes[0]!, attrs: { transB: { a: 1 } } }] }, /nodes\[0\]\.attrs\.transB/],
      [{ ...good, initializers: { ...good.initializers, w1: { shape: [6, 4], base64: 'AAAA' } } }, /initializers\.w1/],
      [{ ...good, initializers: { ...good.initializers, w1: { shape: [6, 4], base64: '!!!!' } } }, /initializers\.w1\.base64/],
      [{ ...good, initializers: { ...good.initializers, w1: { shape: [2], data: [1, 'x'] } } }, /initializers\.w1\.data\[1\]/],
      [{ ...good, initializers: { ...good.initializers, w1: { shape: [6, 4] } } }, /initializers\.w1/],
      [{ ...good, metadata: { a: 1 } }, /metadata\.a/],
    ];
    for (const [json, re] of cases) {
      expect(() => graphFromJSON(json), String(re)).toThrow(ModelFormatError);
      expect(() => graphFromJSON(json), String(re)).toThrow(re);
    }
    expect(() => parseGraph('{"format": ')).toThrow(ModelFormatError);
    expect(() => graphFromJSON({ ...good, nodes: [{ ...good.nodes[0]!, op: 'Einsum' }] })).toThrow(UnsupportedOpError);
  });
});

describe('graph JSON nesting limit (loader fuzzing counterexample)', () => {
  it('a value nested 5000 deep is a ModelFormatError naming the field, not a stack overflow', () => {
    const json = graphToJSON(mlpGraph()) as unknown as Record<string, unknown>;
    let deep: unknown = 1;
    for (let i = 0; i < 5000; i++) deep = [deep];
    const bad = { ...json, metadata: { note: deep } };
    expect(() => graphFromJSON(bad)).toThrow(ModelFormatError);
    expect(() => graphFromJSON(bad)).toThrow(/metadata\.note.*more than 256 levels deep/);
    // 200 levels is within the limit: the field is then rejected for its type.
    let shallow: unknown = 1;
    for (let i = 0; i < 200; i++) shallow = [shallow];
    expect(() => graphFromJSON({ ...json, metadata: { note: shallow } })).toThrow(/metadata\.note must be a string/);
  });
});
