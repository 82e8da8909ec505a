/**
 * Student architectures for distillation: a list of layers (dense, conv2d, max-pool, flatten,
 * permute) built from a preset (an MLP for tabular / 1-D inputs, a small CNN for images) or a
 * user-given spec; seeded Glorot-uniform initialisation (core's PRNG, so bit-reproducible); the
 * training forward pass in tfjs-core ops; and the export as a Keras-style TensorFlow.js
 * LayersModel (Sequential model.json topology + one weights.bin shard) that @glasswing/tfjs'
 * importer (and so every adapter) loads.
 *
 * Layout: image students are channels-last (NHWC) inside. A channels-first (NCHW, ONNX) teacher's
 * input [C, H, W] is kept as the student's input and moved to channels-last by a leading Permute
 * layer, so the student takes exactly the teacher's input. A 2-D input [H, W] gets a Reshape to
 * [H, W, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { InvalidArgumentError, ShapeError, type Rng } from '@glasswing/core';

export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'linear';

/** One hidden layer of a user-given student spec (the output Dense layer is appended). */
export type StudentLayer =
  | { readonly type: 'dense'; readonly units: number; readonly activation?: Activation }
  | { readonly type: 'conv2d'; readonly filters: number; readonly kernelSize?: number; readonly activation?: Activation }
  | { readonly type: 'maxPool2d'; readonly poolSize?: number }
  | { readonly type: 'flatten' };

export type StudentArchitecture =
  /** Flatten (for inputs of rank > 1), Dense(h, relu) per entry of `hidden` (default [16, 8]). */
  | { readonly kind: 'mlp'; readonly hidden?: readonly number[] }
  /** Per entry of `filters` (default [8, 16]): Conv2D 3×3 'same' + ReLU + MaxPool 2×2; Flatten; Dense(dense, relu) (default 32). */
  | { readonly kind: 'cnn'; readonly filters?: readonly number[]; readonly dense?: number }
  | { readonly kind: 'layers'; readonly layers: readonly StudentLayer[] };

export type Layout = 'NHWC' | 'NCHW';

/** A resolved layer with its weight shapes. */
export type ResolvedLayer =
  | { readonly type: 'dense'; readonly name: string; readonly units: number; readonly inUnits: number; readonly activation: Activation }
  | { readonly type: 'conv2d'; readonly name: string; readonly filters: number; readonly kernelSize: number; readonly inChannels: number; readonly activation: Activation }
  | { readonly type: 'maxPool2d'; readonly name: string; readonly poolSize: number }
  | { readonly type: 'flatten'; readonly name: string }
  | { readonly type: 'permute'; readonly name: string; readonly dims: readonly number[] }
  | { readonly type: 'reshape'; readonly name: string; readonly target: readonly number[] };

export interface StudentPlan {
  readonly inputShape: readonly number[];
  readonly layers: readonly ResolvedLayer[];
  readonly outputs: number;
}

const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'linear'];

function positiveInt(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${what} must be a positive integer, got ${String(v)}`);
  return v;
}

/** The hidden layers of an architecture (the output layer is added by planStudent). */
function hiddenLayers(arch: StudentArchitecture): StudentLayer[] {
  if (!arch || typeof arch !== 'object') throw new InvalidArgumentError('student architecture must be an object {kind, ...}');
  if (arch.kind === 'mlp') {
    const hidden = arch.hidden ?? [16, 8];
    if (!Array.isArray(hidden)) throw new InvalidArgumentError('mlp hidden must be a list of layer widths');
    return [{ type: 'flatten' }, ...hidden.map((h, i) => ({ type: 'dense' as const, units: positiveInt(`mlp hidden[${i}]`, h), activation: 'relu' as const }))];
  }
  if (arch.kind === 'cnn') {
    const filters = arch.filters ?? [8, 16];
    if (!Array.isArray(filters) || filters.length === 0) throw new InvalidArgumentError('cnn filters must be a non-empty list of filter counts');
    const layers: StudentLayer[] = [];
    filters.forEach((f, i) => {
      layers.push({ type: 'conv2d', filters: positiveInt(`cnn filters[${i}]`, f), kernelSize: 3, activation: 'relu' }, { type: 'maxPool2d', poolSize: 2 });
    });
    return [...layers, { type: 'flatten' }, { type: 'dense', units: positiveInt('cnn dense', arch.dense ?? 32), activation: 'relu' }];
  }
  if (arch.kind === 'layers') {
    if (!Array.isArray(arch.layers)) throw new InvalidArgumentError('layers architecture needs a list `layers`');
    return [...arch.layers];
  }
  throw new InvalidArgumentError(`unknown student kind '${String((arch as { kind?: unknown }).kind)}' (expected 'mlp', 'cnn' or 'layers')`);
}

/**
 * Resolve an architecture against the teacher's input shape and output count: shapes checked,
 * a layout adapter (Permute / Reshape) prepended where conv layers need it, the output Dense
 * (linear: logits for classification, values for regression) appended.
 */
export function planStudent(arch: StudentArchitecture, inputShape: readonly number[], outputs: number, layout: Layout): StudentPlan {
  const hidden = hiddenLayers(arch);
  const hasConv = hidden.some((l) => l.type === 'conv2d' || l.type === 'maxPool2d');
  const layers: ResolvedLayer[] = [];
  let shape = [...inputShape];
  let n = 0;
  const name = (t: string) => `${t}_${++n}`;
  if (hasConv) {
    if (shape.length === 2) {
      shape = [shape[0]!, shape[1]!, 1];
      layers.push({ type: 'reshape', name: name('reshape'), target: shape });
    } else if (shape.length === 3 && layout === 'NCHW') {
      shape = [shape[1]!, shape[2]!, shape[0]!];
      layers.push({ type: 'permute', name: name('permute'), dims: [2, 3, 1] });
    } else if (shape.length !== 3) {
      throw new ShapeError(`a convolutional student needs an image input ([H, W], [H, W, C] or [C, H, W]), the teacher's input is [${inputShape.join(', ')}]`);
    }
  }
  for (const l of hidden) {
    if (!l || typeof l !== 'object') throw new InvalidArgumentError('each student layer must be an object {type, ...}');
    const act = 'activation' in l && l.activation !== undefined ? l.activation : 'relu';
    if (!ACTIVATIONS.includes(act)) throw new InvalidArgumentError(`unknown activation '${String(act)}' (expected ${ACTIVATIONS.join(', ')})`);
    if (l.type === 'dense') {
      if (shape.length !== 1) throw new ShapeError(`dense layer ${n + 1} needs a flat input, got [${shape.join(', ')}] (add a flatten layer)`);
      const units = positiveInt('dense units', l.units);
      layers.push({ type: 'dense', name: name('dense'), units, inUnits: shape[0]!, activation: act });
      shape = [units];
    } else if (l.type === 'conv2d') {
      if (shape.length !== 3) throw new ShapeError(`conv2d layer ${n + 1} needs an [H, W, C] input, got [${shape.join(', ')}]`);
      const k = positiveInt('conv2d kernelSize', l.kernelSize ?? 3);
      const filters = positiveInt('conv2d filters', l.filters);
      layers.push({ type: 'conv2d', name: name('conv2d'), filters, kernelSize: k, inChannels: shape[2]!, activation: act });
      shape = [shape[0]!, shape[1]!, filters];
    } else if (l.type === 'maxPool2d') {
      if (shape.length !== 3) throw new ShapeError(`maxPool2d layer ${n + 1} needs an [H, W, C] input, got [${shape.join(', ')}]`);
      const p = positiveInt('maxPool2d poolSize', l.poolSize ?? 2);
      if (shape[0]! < p || shape[1]! < p) throw new ShapeError(`maxPool2d ${p}×${p} does not fit the ${shape[0]}×${shape[1]} feature map (too many pooling layers for the input)`);
      layers.push({ type: 'maxPool2d', name: name('max_pooling2d'), poolSize: p });
      shape = [Math.floor(shape[0]! / p), Math.floor(shape[1]! / p), shape[2]!];
    } else if (l.type === 'flatten') {
      if (shape.length > 1) layers.push({ type: 'flatten', name: name('flatten') });
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else {
      throw new InvalidArgumentError(`unknown student layer type '${String((l as { type?: unknown }).type)}' (expected dense, conv2d, maxPool2d or flatten)`);
    }
  }
  if (shape.length > 1) {
    layers.push({ type: 'flatten', name: name('flatten') });
    shape = [shape.reduce((a, b) => a * b, 1)];
  }
  layers.push({ type: 'dense', name: 'output', units: outputs, inUnits: shape[0]!, activation: 'linear' });
  return { inputShape: [...inputShape], layers, outputs };
}

/** Weight shapes of a layer, Keras order: kernel then bias. */
export function weightShapes(l: ResolvedLayer): number[][] {
  if (l.type === 'dense') return [[l.inUnits, l.units], [l.units]];
  if (l.type === 'conv2d') return [[l.kernelSize, l.kernelSize, l.inChannels, l.filters], [l.filters]];
  return [];
}

export function parameterCount(plan: StudentPlan): number {
  let n = 0;
  for (const l of plan.layers) for (const s of weightShapes(l)) n += s.reduce((a, b) => a * b, 1);
  return n;
}

/** Glorot-uniform kernels (Keras' default) from `rng`, zero biases; host arrays in layer order. */
export function initialWeights(plan: StudentPlan, rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  for (const l of plan.layers) {
    const shapes = weightShapes(l);
    if (shapes.length === 0) continue;
    const [k, b] = shapes as [number[], number[]];
    const receptive = k.length === 4 ? k[0]! * k[1]! : 1;
    const fanIn = receptive * k[k.length - 2]!;
    const fanOut = receptive * k[k.length - 1]!;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    const w = new Float32Array(k.reduce((a, c) => a * c, 1));
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.uniform() - 1) * limit;
    out.push(w, new Float32Array(b[0]!));
  }
  return out;
}

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x);
  if (a === 'tanh') return tf.tanh(x);
  if (a === 'sigmoid') return tf.sigmoid(x);
  return x;
}

/** The student's forward pass on a batch [N, ...inputShape]; `vars` in layer order (kernel, bias). */
export function studentForward(plan: StudentPlan, vars: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor {
  let h = x;
  let v = 0;
  for (const l of plan.layers) {
    if (l.type === 'dense') {
      h = activate(tf.add(tf.matMul(h as tf.Tensor2D, vars[v] as tf.Tensor2D), vars[v + 1]!), l.activation);
      v += 2;
    } else if (l.type === 'conv2d') {
      h = activate(tf.add(tf.conv2d(h as tf.Tensor4D, vars[v] as tf.Tensor4D, 1, 'same'), vars[v + 1]!), l.activation);
      v += 2;
    } else if (l.type === 'maxPool2d') {
      h = tf.maxPool(h as tf.Tensor4D, l.poolSize, l.poolSize, 'valid');
    } else if (l.type === 'flatten') {
      h = tf.reshape(h, [h.shape[0]!, -1]);
    } else if (l.type === 'permute') {
      h = tf.transpose(h, [0, ...l.dims]);
    } else {
      h = tf.reshape(h, [h.shape[0]!, ...l.target]);
    }
  }
  return h;
}

export interface StudentArtifacts {
  /** The model.json object (Sequential LayersModel, weightsManifest pointing at weights.bin). */
  readonly modelJson: Record<string, unknown>;
  /** weights.bin: float32 little-endian, manifest order. */
  readonly weightData: Uint8Array;
}

const ACT_JSON: Record<Activation, string> = { relu: 'relu', tanh: 'tanh', sigmoid: 'sigmoid', linear: 'linear' };

/** Keras layer configs (tfjs-layers serialisation) of the plan. */
function layerConfigs(plan: StudentPlan): unknown[] {
  const out: unknown[] = [];
  plan.layers.forEach((l, i) => {
    const first = i === 0 ? { batch_input_shape: [null, ...plan.inputShape], dtype: 'float32' } : {};
    const common = { name: l.name, trainable: true, ...first };
    if (l.type === 'dense') {
      out.push({ class_name: 'Dense', config: { units: l.units, activation: ACT_JSON[l.activation], use_bias: true, ...common } });
    } else if (l.type === 'conv2d') {
      out.push({
        class_name: 'Conv2D',
        config: { filters: l.filters, kernel_size: [l.kernelSize, l.kernelSize], strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: ACT_JSON[l.activation], use_bias: true, ...common },
      });
    } else if (l.type === 'maxPool2d') {
      out.push({ class_name: 'MaxPooling2D', config: { pool_size: [l.poolSize, l.poolSize], strides: [l.poolSize, l.poolSize], padding: 'valid', data_format: 'channels_last', ...common } });
    } else if (l.type === 'flatten') {
      out.push({ class_name: 'Flatten', config: { data_format: 'channels_last', ...common } });
    } else if (l.type === 'permute') {
      out.push({ class_name: 'Permute', config: { dims: [...l.dims], ...common } });
    } else {
      out.push({ class_name: 'Reshape', config: { target_shape: [...l.target], ...common } });
    }
  });
  return out;
}

/** Serialise the plan and its weights (host arrays in layer order) as a TensorFlow.js LayersModel. */
export function studentArtifacts(plan: StudentPlan, weights: readonly Float32Array[], description: Record<string, unknown> = {}): StudentArtifacts {
  const specs: { name: string; shape: number[]; dtype: 'float32' }[] = [];
  let w = 0;
  for (const l of plan.layers) {
    const shapes = weightShapes(l);
    if (shapes.length === 0) continue;
    specs.push({ name: `${l.name}/kernel`, shape: shapes[0]!, dtype: 'float32' }, { name: `${l.name}/bias`, shape: shapes[1]!, dtype: 'float32' });
    w += 2;
  }
  if (w !== weights.length) throw new InvalidArgumentError(`the student has ${w} weight arrays, got ${weights.length}`);
  const total = weights.reduce((a, x) => a + x.length, 0);
  const data = new Uint8Array(total * 4);
  const view = new DataView(data.buffer);
  let o = 0;
  for (const arr of weights) for (let i = 0; i < arr.length; i++, o += 4) view.setFloat32(o, arr[i]!, true);
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'glasswing distill',
    convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'glasswing_student', layers: layerConfigs(plan) }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    userDefinedMetadata: { glasswing: { distilled: true, ...description } },
  };
  return { modelJson, weightData: data };
}
