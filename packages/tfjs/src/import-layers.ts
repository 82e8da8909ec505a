/**
 * TensorFlow.js / Keras LayersModel -> core Graph (NHWC, the model's own layout).
 *
 * The node that produces a Keras layer's output carries the layer's name (so `--layer conv1`
 * taps what Keras calls conv1's output, after its fused activation); auxiliary nodes are named
 * `<layer>/<role>` (e.g. `conv1/linear` before a fused activation). Weights become initializers
 * named `<layer>/<weight>`.
 */
import { ModelFormatError, UnsupportedOpError, type Graph, type Tensor } from '@glasswing/core';
import type { LayersArtifacts } from './import/artifacts.js';
import { GraphBuilder } from './import/builder.js';
import { LAYER_CONVERTERS, type LayerContext } from './import/layers/index.js';
import { batchShapeOf, parseTopology, type LayerSpec } from './import/topology.js';
import { decodeWeights } from './import/weights.js';

export function importLayersModel(artifacts: LayersArtifacts): Graph {
  if (artifacts === null || typeof artifacts !== 'object') throw new ModelFormatError('layers artifacts must be an object');
  const where = artifacts.source ? ` (${artifacts.source})` : '';
  const topology = parseTopology(artifacts.modelTopology, where);
  const weights = decodeWeights(artifacts);
  const [inputSpec, ...rest] = topology.layers;
  const b = new GraphBuilder(inputSpec!.name, inputShapeOf(inputSpec!, where));
  const outputOf = new Map<string, string>([[inputSpec!.name, inputSpec!.name]]);
  for (const spec of rest) {
    const convert = LAYER_CONVERTERS[spec.className];
    if (convert === undefined) {
      throw new UnsupportedOpError(spec.className, `layer ${spec.name}: layer class ${spec.className} is not supported${where}`);
    }
    const inputs = spec.inbound.map((n) => {
      const t = outputOf.get(n);
      if (t === undefined) throw new ModelFormatError(`layer ${spec.name}${where} reads layer ${n}, which is not computed before it`);
      return t;
    });
    const ctx: LayerContext = { spec, inputs, b, findWeight: (w) => findWeight(weights, spec.name, w) };
    outputOf.set(spec.name, convert(ctx));
  }
  const output = outputOf.get(topology.outputLayer);
  if (output === undefined) throw new ModelFormatError(`output layer ${topology.outputLayer}${where} is not computed`);
  const metadata: Record<string, string> = { source: 'tfjs-layers', layout: 'NHWC' };
  if (topology.kerasVersion) metadata['keras_version'] = topology.kerasVersion;
  if (artifacts.source) metadata['path'] = artifacts.source;
  return b.build(topology.name, output, metadata);
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

/** `<layer>/<weight>`, also with a model-name prefix (`model/<layer>/<weight>`) or a `:0` suffix. */
function findWeight(weights: ReadonlyMap<string, Tensor>, layer: string, weight: string): Tensor | undefined {
  const key = `${layer}/${weight}`;
  const exact = weights.get(key) ?? weights.get(`${key}:0`);
  if (exact !== undefined) return exact;
  for (const [name, t] of weights) {
    const base = name.endsWith(':0') ? name.slice(0, -2) : name;
    if (base.endsWith(`/${key}`)) return t;
  }
  return undefined;
}
