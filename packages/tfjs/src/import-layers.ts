/**
 * TensorFlow.js / Keras LayersModel -> core Graph (NHWC, the model's own layout).
 *
 * The node that produces a Keras layer's output carries the layer's name (so `--layer conv1`
 * taps what Keras calls conv1's output, after its fused activation); auxiliary nodes are named
 * `<layer>/<role>` (e.g. `conv1/linear` before a fused activation). Weights become initializers
 * named `<layer>/<weight>`. Nested models (a Sequential or Functional model used as a layer) are
 * inlined: their layers keep their own names and the nested model's name tags its output.
 */
import { ModelFormatError, UnsupportedOpError, type Graph, type Tensor } from '@glasswing/core';
import type { LayersArtifacts } from './import/artifacts.js';
import { GraphBuilder } from './import/builder.js';
import { LAYER_CONVERTERS, type LayerContext } from './import/layers/index.js';
import { batchShapeOf, parseTopology, type LayerSpec, type Topology } from './import/topology.js';
import { decodeWeights } from './import/weights.js';

const NESTED_MODELS = new Set(['Sequential', 'Model', 'Functional']);

interface Session {
  readonly b: GraphBuilder;
  readonly weights: ReadonlyMap<string, Tensor>;
  readonly where: string;
  readonly kerasVersion?: string;
}

export function importLayersModel(artifacts: LayersArtifacts): Graph {
  if (artifacts === null || typeof artifacts !== 'object') throw new ModelFormatError('layers artifacts must be an object');
  const where = artifacts.source ? ` (${artifacts.source})` : '';
  const topology = parseTopology(artifacts.modelTopology, where);
  const weights = decodeWeights(artifacts);
  const inputSpec = topology.layers[0]!;
  const b = new GraphBuilder(inputSpec.name, inputShapeOf(inputSpec, where));
  const session: Session = { b, weights, where, ...(topology.kerasVersion ? { kerasVersion: topology.kerasVersion } : {}) };
  const output = convertTopology(session, topology, inputSpec.name);
  const metadata: Record<string, string> = { source: 'tfjs-layers', layout: 'NHWC' };
  if (topology.kerasVersion) metadata['keras_version'] = topology.kerasVersion;
  if (artifacts.source) metadata['path'] = artifacts.source;
  return b.build(topology.name, output, metadata);
}

/** Convert a topology's layers with its input layer bound to `input`; returns the output tensor. */
function convertTopology(s: Session, topology: Topology, input: string): string {
  const [inputSpec, ...rest] = topology.layers;
  const outputOf = new Map<string, string>([[inputSpec!.name, input]]);
  for (const spec of rest) {
    const inputs = spec.inbound.map((n) => {
      const t = outputOf.get(n);
      if (t === undefined) throw new ModelFormatError(`layer ${spec.name}${s.where} reads layer ${n}, which is not computed before it`);
      return t;
    });
    outputOf.set(spec.name, convertLayer(s, spec, inputs, [spec.name]));
  }
  const output = outputOf.get(topology.outputLayer);
  if (output === undefined) throw new ModelFormatError(`output layer ${topology.outputLayer}${s.where} is not computed`);
  return output;
}

function convertLayer(s: Session, spec: LayerSpec, inputs: readonly string[], scopes: readonly string[]): string {
  if (NESTED_MODELS.has(spec.className)) return convertNested(s, spec, inputs);
  const convert = LAYER_CONVERTERS[spec.className];
  if (convert === undefined) {
    throw new UnsupportedOpError(
      spec.className,
      `layer ${spec.name}: layer class ${spec.className} is not supported${s.where}; supported: ${[...Object.keys(LAYER_CONVERTERS), ...NESTED_MODELS].sort().join(', ')}`,
    );
  }
  const ctx: LayerContext = {
    spec,
    inputs,
    b: s.b,
    findWeight: (w) => findWeight(s.weights, scopes, w),
    ...(s.kerasVersion ? { kerasVersion: s.kerasVersion } : {}),
    convertInner: (inner, innerInputs, innerScopes) => convertLayer(s, inner, innerInputs, innerScopes),
  };
  return convert(ctx);
}

/** A Sequential / Functional model used as a layer: its layers inline, its output tagged with its name. */
function convertNested(s: Session, spec: LayerSpec, inputs: readonly string[]): string {
  if (inputs.length !== 1) throw new UnsupportedOpError(spec.className, `nested model ${spec.name}: exactly one input is supported, got ${inputs.length}`);
  const inner = parseTopology({ class_name: spec.className, config: spec.config }, `${s.where} (nested model ${spec.name})`);
  const out = convertTopology(s, inner, inputs[0]!);
  return s.b.node(spec.name, 'Identity', [out]);
}

function inputShapeOf(spec: LayerSpec, where: string): number[] {
  const raw = batchShapeOf(spec.config);
  if (!Array.isArray(raw) || raw.length < 2) {
    throw new ModelFormatError(`input layer ${spec.name}${where} has no batch_input_shape`);
  }
  const rest = raw.slice(1);
  if (rest.some((d) => !Number.isInteger(d) || (d as number) < 1)) {
    throw new ModelFormatError(`input layer ${spec.name}${where} has shape ${JSON.stringify(raw)}; all non-batch dimensions must be known`);
  }
  return [-1, ...(rest as number[])];
}

/**
 * `<scope>/<weight>` for the first scope that has it: exact, with a `:0` suffix, with a model-name
 * prefix (`model/<scope>/<weight>`), or with one cell scope in between (`lstm/lstm_cell/kernel`).
 */
function findWeight(weights: ReadonlyMap<string, Tensor>, scopes: readonly string[], weight: string): Tensor | undefined {
  for (const scope of scopes) {
    const key = `${scope}/${weight}`;
    const exact = weights.get(key) ?? weights.get(`${key}:0`);
    if (exact !== undefined) return exact;
    for (const [name, t] of weights) {
      const base = name.endsWith(':0') ? name.slice(0, -2) : name;
      if (base.endsWith(`/${key}`)) return t;
    }
    for (const [name, t] of weights) {
      const base = name.endsWith(':0') ? name.slice(0, -2) : name;
      const parts = base.split('/');
      if (parts.length >= 3 && parts[parts.length - 1] === weight && `/${base}`.includes(`/${scope}/`) && parts.slice(0, -2).join('/').endsWith(scope)) return t;
    }
  }
  return undefined;
}
