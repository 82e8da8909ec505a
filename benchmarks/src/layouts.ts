/**
 * Real layouts with seeded weights, in the shape torch.onnx exports torchvision's models (issue 15):
 *
 * - ResNet-18: conv1 7×7/2 → maxpool 3×3/2 → BasicBlock stages 64-128-256-512 (2 blocks each,
 *   stride 2 and a 1×1 downsample at the start of stages 2–4) with residual Adds → global average
 *   pool → Flatten → fc (1000).
 * - MobileNetV2 (width 1.0): conv 3×3/2 (32) → 17 inverted residuals (t, c, n, s as the paper's
 *   Table 2; depthwise 3×3 convolutions, residual Adds where stride 1 and channels match) → 1×1
 *   conv 1280 → global average pool → Flatten → classifier.1 (1000). ReLU6 is Clip(0, 6).
 *
 * As torch.onnx.export(model.eval(), dynamo=False, opset 17) writes them: BatchNorm folded into
 * the preceding Conv (so every Conv has a bias), Dropout removed, node names the module paths
 * ('/layer1/layer1.0/conv1/Conv', '/features/features.2/conv/conv.1/conv.1.0/Conv'), Clip's bounds
 * as inputs, fc as Gemm(transB=1), a dynamic batch. Two copies of the same weights, written once
 * into a cache directory (gitignored; ResNet-18 is 47 MB each) and regenerated from the seed when
 * absent:
 *
 * - the ONNX file (NCHW; what onnx-node / onnx-web load, as an ONNX user would);
 * - a TensorFlow.js LayersModel (model.json + weights.bin; functional Keras topology, NHWC, HWIO
 *   kernels: layoutLayersArtifacts), which the reference, tfjs and gpu.js rows import as any
 *   LayersModel. `toNhwc` gives the same network as an IR graph directly (tests compare them).
 *
 * Weights: uniform with variance 1/fan_in (He-style, halved for the ReLU, so activations neither
 * vanish nor overflow through the residual stages), folded biases uniform ±0.1, from core's seeded
 * PRNG: the same seed gives bit-identical files on every machine.
 *
 * `pnpm --filter @glasswing/benchmarks layouts [--out <dir>]` writes every layout's ONNX file.
 */
import { createRng, type Graph, type GraphNode, type Tensor } from '@glasswing/core';
import { encodeModel, makeModel, makeNode, makeValueInfo, tensorToProto } from '@glasswing/onnx';
import { mkdir, stat, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type LayoutArch = 'resnet18' | 'mobilenet_v2';

export interface LayoutSpec {
  readonly arch: LayoutArch;
  /** Input height = width. */
  readonly size: number;
  readonly seed: number;
}

/** Where generated layouts are cached: $GLASSWING_BENCH_CACHE or benchmarks/.cache/layouts. */
export function layoutCacheDir(): string {
  return process.env['GLASSWING_BENCH_CACHE'] ?? fileURLToPath(new URL('../.cache/layouts', import.meta.url));
}

/** Bumped when the generator changes what it writes (cached files of older versions are ignored). */
export const LAYOUT_VERSION = 1;

export function layoutFileName(spec: LayoutSpec): string {
  return `${spec.arch}_${spec.size}_seed${spec.seed}_v${LAYOUT_VERSION}.onnx`;
}

/** An NCHW IR graph whose node names and structure follow torch.onnx's export of the torchvision module. */
class Builder {
  readonly nodes: GraphNode[] = [];
  readonly inits: Record<string, Tensor> = {};
  private readonly rng;
  constructor(seed: number) {
    this.rng = createRng(seed);
  }
  private uniform(shape: number[], bound: number): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = (2 * this.rng.uniform() - 1) * bound;
    return { shape, data };
  }
  /** Conv with its BatchNorm folded in (weight + bias), named `<scope>/Conv`. */
  conv(scope: string, x: string, cin: number, cout: number, k: number, stride: number, group = 1): string {
    const fanIn = (cin / group) * k * k;
    const w = `${scope.slice(1).replace(/\//g, '.')}.weight`;
    this.inits[w] = this.uniform([cout, cin / group, k, k], Math.sqrt(3 / fanIn));
    const b = w.replace(/weight$/, 'bias');
    this.inits[b] = this.uniform([cout], 0.1);
    const p = (k - 1) >> 1;
    return this.node('Conv', `${scope}/Conv`, [x, w, b], {
      dilations: [1, 1],
      group,
      kernel_shape: [k, k],
      pads: [p, p, p, p],
      strides: [stride, stride],
    });
  }
  node(op: GraphNode['op'], name: string, inputs: string[], attrs: GraphNode['attrs'] = {}): string {
    const out = `${name}_output_0`;
    this.nodes.push({ name, op, inputs, outputs: [out], attrs });
    return out;
  }
  relu(name: string, x: string): string {
    return this.node('Relu', name, [x]);
  }
  relu6(name: string, x: string): string {
    return this.node('Clip', name, [x], { min: 0, max: 6 });
  }
  head(x: string, cin: number, classes: number, fc: string): string {
    const pooled = this.node('GlobalAveragePool', fc.startsWith('/fc') ? '/avgpool/GlobalAveragePool' : '/GlobalAveragePool', [x]);
    const flat = this.node('Flatten', '/Flatten', [pooled], { axis: 1 });
    const wName = `${fc.slice(1, fc.lastIndexOf('/')).replace(/\//g, '.')}.weight`;
    this.inits[wName] = this.uniform([classes, cin], Math.sqrt(3 / cin));
    this.inits[wName.replace(/weight$/, 'bias')] = this.uniform([classes], 0.1);
    return this.node('Gemm', fc, [flat, wName, wName.replace(/weight$/, 'bias')], { transB: 1 });
  }
}

function resnet18(seed: number): Builder {
  const b = new Builder(seed);
  let x = b.conv('/conv1', 'input', 3, 64, 7, 2);
  x = b.relu('/relu/Relu', x);
  x = b.node('MaxPool', '/maxpool/MaxPool', [x], { ceil_mode: 0, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] });
  let cin = 64;
  [64, 128, 256, 512].forEach((c, stage) => {
    for (let block = 0; block < 2; block++) {
      const s = `/layer${stage + 1}/layer${stage + 1}.${block}`;
      const stride = stage > 0 && block === 0 ? 2 : 1;
      let y = b.conv(`${s}/conv1`, x, cin, c, 3, stride);
      y = b.relu(`${s}/relu/Relu`, y);
      y = b.conv(`${s}/conv2`, y, c, c, 3, 1);
      const identity = stride !== 1 || cin !== c ? b.conv(`${s}/downsample/downsample.0`, x, cin, c, 1, stride) : x;
      x = b.relu(`${s}/relu_1/Relu`, b.node('Add', `${s}/Add`, [y, identity]));
      cin = c;
    }
  });
  b.head(x, 512, 1000, '/fc/Gemm');
  return b;
}

/** torchvision's MobileNetV2 inverted-residual settings: expansion t, channels c, repeats n, first stride s. */
const MOBILENET_V2_SETTINGS: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

function mobilenetV2(seed: number): Builder {
  const b = new Builder(seed);
  let x = b.relu6('/features/features.0/features.0.2/Clip', b.conv('/features/features.0/features.0.0', 'input', 3, 32, 3, 2));
  let cin = 32;
  let index = 1;
  for (const [t, c, n, s] of MOBILENET_V2_SETTINGS) {
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const scope = `/features/features.${index}/conv`;
      const hidden = cin * t;
      let y = x;
      let part = 0;
      if (t !== 1) {
        y = b.relu6(`${scope}/conv.0/conv.0.2/Clip`, b.conv(`${scope}/conv.0/conv.0.0`, y, cin, hidden, 1, 1));
        part = 1;
      }
      y = b.relu6(`${scope}/conv.${part}/conv.${part}.2/Clip`, b.conv(`${scope}/conv.${part}/conv.${part}.0`, y, hidden, hidden, 3, stride, hidden));
      y = b.conv(`${scope}/conv.${part + 1}`, y, hidden, c, 1, 1);
      x = stride === 1 && cin === c ? b.node('Add', `/features/features.${index}/Add`, [x, y]) : y;
      cin = c;
      index++;
    }
  }
  x = b.relu6(`/features/features.${index}/features.${index}.2/Clip`, b.conv(`/features/features.${index}/features.${index}.0`, x, cin, 1280, 1, 1));
  b.head(x, 1280, 1000, '/classifier/classifier.1/Gemm');
  return b;
}

/** The layout as an NCHW IR graph (the ONNX export's structure). */
export function layoutGraphNchw(spec: LayoutSpec): Graph {
  const b = spec.arch === 'resnet18' ? resnet18(spec.seed) : mobilenetV2(spec.seed);
  return {
    name: `${spec.arch}_${spec.size}`,
    inputs: [{ name: 'input', shape: [-1, 3, spec.size, spec.size] }],
    outputs: [b.nodes[b.nodes.length - 1]!.outputs[0]!],
    initializers: b.inits,
    nodes: b.nodes,
    metadata: { source: 'glasswing benchmarks layouts.ts (torchvision layout, seeded weights)', seed: String(spec.seed) },
  };
}

/** OIHW → HWIO. */
function toHwio(t: Tensor): Tensor {
  const [o, i, h, w] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < i; b++)
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[((y * w + x) * i + b) * o + a] = t.data[((a * i + b) * h + y) * w + x]!;
  return { shape: [h, w, i, o], data: out };
}

/** The same network in NHWC with HWIO weights (the layout of a TensorFlow.js / Keras export). */
export function toNhwc(g: Graph): Graph {
  const convWeights = new Set(g.nodes.filter((n) => n.op === 'Conv').map((n) => n.inputs[1]!));
  const spatial = new Set(['Conv', 'MaxPool', 'AveragePool', 'GlobalAveragePool']);
  const [n, c, h, w] = g.inputs[0]!.shape as [number, number, number, number];
  return {
    ...g,
    inputs: [{ name: g.inputs[0]!.name, shape: [n, h, w, c] }],
    initializers: Object.fromEntries(Object.entries(g.initializers).map(([k, t]) => [k, convWeights.has(k) ? toHwio(t) : t])),
    nodes: g.nodes.map((node) => (spatial.has(node.op) ? { ...node, attrs: { ...node.attrs, layout: 'NHWC' } } : node)),
  };
}

/** A Keras layer entry of a functional tfjs LayersModel topology (tfjs 4.x inbound-node format). */
interface KerasLayer {
  readonly class_name: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly inbound_nodes: unknown[];
}

/**
 * The same network as a TensorFlow.js LayersModel (functional Keras topology, channels-last, HWIO
 * kernels), the way Keras writes torchvision-style networks: ZeroPadding2D + 'valid' Conv2D /
 * DepthwiseConv2D / MaxPooling2D for torch's symmetric padding (zero-padding before the max pool is
 * exact: it follows a ReLU), ReLU(max_value 6) for ReLU6, Add, GlobalAveragePooling2D, Dense.
 * Layer names are the ONNX node names without the leading '/' and the op ('layer1/layer1.0/conv1').
 */
export function layoutLayersArtifacts(g: Graph): { modelTopology: unknown; weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[]; weightData: Uint8Array } {
  const layers: KerasLayer[] = [];
  const weights: { name: string; t: Tensor }[] = [];
  const producer = new Map<string, string>();
  const [, c, h, w] = g.inputs[0]!.shape as [number, number, number, number];
  layers.push({ class_name: 'InputLayer', name: 'input', config: { name: 'input', batch_input_shape: [null, h, w, c], dtype: 'float32', sparse: false }, inbound_nodes: [] });
  producer.set(g.inputs[0]!.name, 'input');
  const inbound = (...names: string[]) => [names.map((n) => [n, 0, 0, {}])];
  const layerName = (node: GraphNode) => node.name.slice(1).replace(/\/[A-Za-z]+$/, '');
  const add = (class_name: string, name: string, config: Record<string, unknown>, from: string[]): string => {
    layers.push({ class_name, name, config: { name, trainable: true, dtype: 'float32', ...config }, inbound_nodes: inbound(...from) });
    return name;
  };
  for (const node of g.nodes) {
    const name = layerName(node);
    const x = producer.get(node.inputs[0]!)!;
    let out: string;
    switch (node.op) {
      case 'Conv':
      case 'MaxPool': {
        const [pt, pl, pb, pr] = node.attrs['pads'] as number[];
        const k = node.attrs['kernel_shape'] as number[];
        const strides = node.attrs['strides'] as number[];
        const padded = pt! + pl! + pb! + pr! > 0 ? add('ZeroPadding2D', `${name}/pad`, { padding: [[pt, pb], [pl, pr]], data_format: 'channels_last' }, [x]) : x;
        if (node.op === 'MaxPool') {
          out = add('MaxPooling2D', name, { pool_size: k, strides, padding: 'valid', data_format: 'channels_last' }, [padded]);
          break;
        }
        const wt = g.initializers[node.inputs[1]!]!;
        const bias = g.initializers[node.inputs[2]!]!;
        const group = node.attrs['group'] as number;
        const common = { kernel_size: k, strides, padding: 'valid', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true };
        const hwio = toHwio(wt); // [kh, kw, cin/group, cout]
        if (group === 1) {
          out = add('Conv2D', name, { ...common, filters: wt.shape[0] }, [padded]);
          weights.push({ name: `${name}/kernel`, t: hwio });
        } else {
          // Depthwise (group = channels, one filter each): Keras' depthwise_kernel is [kh, kw, channels, 1].
          out = add('DepthwiseConv2D', name, { ...common, depth_multiplier: 1 }, [padded]);
          weights.push({ name: `${name}/depthwise_kernel`, t: { shape: [hwio.shape[0]!, hwio.shape[1]!, hwio.shape[3]!, 1], data: hwio.data } });
        }
        weights.push({ name: `${name}/bias`, t: bias });
        break;
      }
      case 'Relu':
        out = add('ReLU', name, {}, [x]);
        break;
      case 'Clip':
        out = add('ReLU', name, { max_value: node.attrs['max'] }, [x]);
        break;
      case 'Add':
        out = add('Add', name, {}, [x, producer.get(node.inputs[1]!)!]);
        break;
      case 'GlobalAveragePool':
        out = add('GlobalAveragePooling2D', name, { data_format: 'channels_last' }, [x]);
        break;
      case 'Flatten':
        out = x; // GlobalAveragePooling2D already gives [N, C]
        break;
      case 'Gemm': {
        const wt = g.initializers[node.inputs[1]!]!; // [out, in] (transB)
        const [o, i] = wt.shape as [number, number];
        const kernel = new Float32Array(o * i);
        for (let r = 0; r < o; r++) for (let q = 0; q < i; q++) kernel[q * o + r] = wt.data[r * i + q]!;
        out = add('Dense', name, { units: o, activation: 'linear', use_bias: true }, [x]);
        weights.push({ name: `${name}/kernel`, t: { shape: [i, o], data: kernel } }, { name: `${name}/bias`, t: g.initializers[node.inputs[2]!]! });
        break;
      }
      default:
        throw new Error(`layoutLayersArtifacts: no Keras layer for ${node.op} (${node.name})`);
    }
    producer.set(node.outputs[0]!, out);
  }
  const total = weights.reduce((a, x) => a + x.t.data.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const x of weights) {
    data.set(x.t.data, at);
    at += x.t.data.length;
  }
  const modelTopology = {
    class_name: 'Model',
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
    config: { name: g.name, layers, input_layers: [['input', 0, 0]], output_layers: [[producer.get(g.outputs[0]!)!, 0, 0]] },
  };
  return { modelTopology, weightSpecs: weights.map((x) => ({ name: x.name, shape: [...x.t.shape], dtype: 'float32' as const })), weightData: new Uint8Array(data.buffer) };
}

/** ONNX ModelProto bytes of an NCHW layout graph, as torch.onnx writes it (opset 17, Clip bounds as inputs, dynamic batch). */
export function layoutOnnxBytes(g: Graph): Uint8Array {
  const initializers = Object.entries(g.initializers).map(([k, t]) => tensorToProto(k, t));
  const clipBounds = new Set<number>();
  const nodes = g.nodes.map((node) => {
    if (node.op === 'Clip') {
      const lo = node.attrs['min'] as number;
      const hi = node.attrs['max'] as number;
      clipBounds.add(lo).add(hi);
      return makeNode('Clip', [node.inputs[0]!, `clip_bound_${lo}`, `clip_bound_${hi}`], node.outputs, {}, node.name);
    }
    const attrs = Object.fromEntries(Object.entries(node.attrs).filter(([k]) => k !== 'layout'));
    return makeNode(node.op, node.inputs, node.outputs, attrs as never, node.name);
  });
  for (const v of clipBounds) initializers.push(tensorToProto(`clip_bound_${v}`, { shape: [], data: Float32Array.of(v) }));
  const [, c, h, w] = g.inputs[0]!.shape;
  const model = makeModel({
    name: 'main_graph',
    nodes,
    inputs: [makeValueInfo('input', ['batch_size', c!, h!, w!])],
    outputs: [makeValueInfo(g.outputs[0]!, ['batch_size', 1000])],
    initializers,
    opset: 17,
    producerName: 'pytorch-shaped (glasswing benchmarks layouts.ts)',
  });
  return encodeModel(model);
}

/** The ONNX file of a layout, generated into the cache directory when absent; returns its path. */
export async function ensureLayoutOnnx(spec: LayoutSpec, dir = layoutCacheDir()): Promise<string> {
  const file = path.join(dir, layoutFileName(spec));
  try {
    if ((await stat(file)).size > 0) return file;
  } catch {
    // absent: generate below
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, layoutOnnxBytes(layoutGraphNchw(spec)));
  await rename(tmp, file);
  return file;
}

/** The TensorFlow.js copy (model.json + weights.bin) of a layout, generated into the cache when absent; returns model.json's path. */
export async function ensureLayoutTfjs(spec: LayoutSpec, dir = layoutCacheDir()): Promise<string> {
  const stem = layoutFileName(spec).replace(/\.onnx$/, '');
  const folder = path.join(dir, `${stem}_tfjs`);
  const file = path.join(folder, 'model.json');
  try {
    if ((await stat(file)).size > 0) return file;
  } catch {
    // absent: generate below
  }
  const a = layoutLayersArtifacts(layoutGraphNchw(spec));
  const tmp = `${folder}.${process.pid}.tmp`;
  await mkdir(tmp, { recursive: true });
  await writeFile(path.join(tmp, 'weights.bin'), a.weightData);
  const json = { format: 'layers-model', generatedBy: 'glasswing benchmarks layouts.ts', convertedBy: null, modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
  await writeFile(path.join(tmp, 'model.json'), JSON.stringify(json));
  await rename(tmp, folder);
  return file;
}

const HERE = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === HERE) {
  const argv = process.argv.slice(2);
  const outAt = argv.indexOf('--out');
  const dir = outAt >= 0 && argv[outAt + 1] ? path.resolve(argv[outAt + 1]!) : layoutCacheDir();
  for (const arch of ['resnet18', 'mobilenet_v2'] as const) {
    for (const size of [64, 224]) {
      console.log(`wrote ${await ensureLayoutOnnx({ arch, size, seed: 0 }, dir)}`);
      console.log(`wrote ${await ensureLayoutTfjs({ arch, size, seed: 0 }, dir)}`);
    }
  }
}
