#!/usr/bin/env node
/**
 * Copies the Captum reference figures that @glasswing/core's tests use into the repository.
 *
 *   node tools/import-reference-fixtures.mjs <reference-dir> [--out <dir>]
 *
 * <reference-dir> holds <model>.json and models/<model>/model_description.json (the shared
 * Captum reference set). Writes, for tiny_additive and mlp_tabular:
 *   <out>/<model>.json        inputs, targets, baselines, float32/float64 outputs, weights
 *                             (PyTorch layout), the Saliency / InputXGradient / IntegratedGradients /
 *                             FeatureAblation / Occlusion / ShapleyValues / DeepLift / GuidedBackprop /
 *                             Deconvolution / LRP / LayerActivation / LayerConductance records and the
 *                             SmoothGrad / GradientShap / ShapleyValueSampling / KernelShap
 *                             stochastic checks;
 *   <out>/<model>.graph.json  the model as a glasswing-graph v1 file (Gemm transB=1 + Relu,
 *                             float32 initializers base64-encoded little-endian).
 * Default <out>: packages/core/test/fixtures next to this script's repository root.
 * Nothing in the repository reads the reference directory at run or test time.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODELS = ['tiny_additive', 'mlp_tabular'];
const RECORD_METHODS = new Set([
  'Saliency',
  'InputXGradient',
  'IntegratedGradients',
  // perturbation family (issue 5)
  'FeatureAblation',
  'Occlusion',
  'ShapleyValues',
  // propagation-rule family (issue 4)
  'DeepLift',
  'GuidedBackprop',
  'Deconvolution',
  'LRP',
  'LayerActivation',
  'LayerConductance',
]);
const CHECK_METHODS = new Set(['NoiseTunnel(Saliency) smoothgrad', 'GradientShap', 'ShapleyValueSampling', 'KernelShap']);

function usage(msg) {
  if (msg) console.error(`error: ${msg}`);
  console.error('usage: node tools/import-reference-fixtures.mjs <reference-dir> [--out <dir>]');
  process.exit(2);
}

function parseArgs(argv) {
  let ref;
  let out = fileURLToPath(new URL('../packages/core/test/fixtures/', import.meta.url));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      out = argv[++i];
      if (!out) usage('--out needs a directory');
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (ref === undefined) ref = a;
    else usage(`unexpected argument ${a}`);
  }
  if (!ref) usage('missing <reference-dir>');
  return { ref: resolve(ref), out: resolve(out) };
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
}

function pick(obj, keys) {
  const o = {};
  for (const k of keys) if (obj[k] !== undefined) o[k] = obj[k];
  return o;
}

function float32Base64(values) {
  const arr = Float32Array.from(values);
  for (let i = 0; i < values.length; i++) {
    if (arr[i] !== values[i]) throw new Error(`weight ${values[i]} is not an exact float32 value`);
  }
  const buf = Buffer.alloc(arr.length * 4);
  arr.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

function toGraph(desc) {
  const inF = desc.input_shape[desc.input_shape.length - 1];
  const nodes = [];
  const initializers = {};
  let prev = 'input';
  desc.layers.forEach((layer, k) => {
    const last = k === desc.layers.length - 1;
    const out = last ? 'output' : layer.name;
    if (layer.type === 'linear') {
      initializers[`${layer.name}.weight`] = { shape: layer.weight_shape, base64: float32Base64(layer.weight.flat()) };
      initializers[`${layer.name}.bias`] = { shape: [layer.bias.length], base64: float32Base64(layer.bias) };
      nodes.push({ name: layer.name, op: 'Gemm', inputs: [prev, `${layer.name}.weight`, `${layer.name}.bias`], outputs: [out], attrs: { transB: 1 } });
    } else if (layer.type === 'relu') {
      nodes.push({ name: layer.name, op: 'Relu', inputs: [prev], outputs: [out], attrs: {} });
    } else {
      throw new Error(`layer type ${layer.type} is not supported by this importer`);
    }
    prev = out;
  });
  return {
    format: 'glasswing-graph',
    version: 1,
    name: desc.name,
    inputs: [{ name: 'input', shape: [-1, inF] }],
    outputs: ['output'],
    nodes,
    initializers,
    metadata: {
      source: `Captum reference model ${desc.name} (model_description.json, PyTorch layout)`,
      importer: 'tools/import-reference-fixtures.mjs',
    },
  };
}

function main() {
  const { ref, out } = parseArgs(process.argv.slice(2));
  mkdirSync(out, { recursive: true });
  for (const m of MODELS) {
    const data = readJson(join(ref, `${m}.json`));
    const desc = readJson(join(ref, 'models', m, 'model_description.json'));
    const records = data.records
      .filter((r) => RECORD_METHODS.has(r.method))
      .map((r) => pick(r, ['id', 'method', 'params', 'input_index', 'target', 'baseline', 'layer', 'attribution', 'convergence_delta', 'independent_float64_value']));
    const checks = data.stochastic_checks.filter((c) => CHECK_METHODS.has(c.method));
    const fixture = {
      model: m,
      provenance: {
        copied_from: `${m}.json and models/${m}/model_description.json of the shared Captum reference set`,
        ...pick(data, ['captum_version', 'captum_ref', 'torch_version', 'dtype']),
        output_note: data.output_note,
      },
      input_shape: data.input_shape,
      output_shape: desc.output_shape.slice(1),
      inputs: data.inputs,
      targets: data.targets,
      baselines: data.baselines,
      outputs: data.outputs,
      baseline_outputs: data.baseline_outputs,
      layers: desc.layers.map((l) => pick(l, ['name', 'type', 'in_features', 'out_features', 'weight', 'bias'])),
      records,
      stochastic_checks: checks,
    };
    writeFileSync(join(out, `${m}.json`), JSON.stringify(fixture, null, 1) + '\n');
    writeFileSync(join(out, `${m}.graph.json`), JSON.stringify(toGraph(desc), null, 1) + '\n');
    console.log(`${m}: ${records.length} records, ${checks.length} stochastic checks -> ${out}`);
  }
}

main();
