/**
 * The published-model corpus (issue 19): which nsfwjs models, which methods in which order, and the
 * photo-like input every adapter explains. Used by corpus-methods.ts.
 */
import { METHODS, type Tensor } from '@glasswing/core';
import type { NsfwModelId } from './nsfwjs.js';

const MID_PREFIX = 'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2';

export interface CorpusModel {
  readonly id: string;
  readonly nsfwjs: NsfwModelId;
  /** nsfwjs.load's model name. */
  readonly nsfwName: 'MobileNetV2' | 'InceptionV3' | 'MobileNetV2Mid';
  readonly size: number;
  readonly format: 'tfjs LayersModel' | 'tfjs graph model';
  readonly producer: string;
  readonly description: string;
  /** The last convolutional block: the layer and neuron methods' layer. */
  readonly layer: string;
}

export const CORPUS_MODELS: readonly CorpusModel[] = [
  {
    id: 'nsfwjs_mobilenet_v2',
    nsfwjs: 'mobilenet_v2',
    nsfwName: 'MobileNetV2',
    size: 224,
    format: 'tfjs LayersModel',
    producer: 'nsfwjs 4.4.0 (Keras 2.2.4, uint8-quantized weights)',
    description: 'Keras MobileNetV2 224×224 moderation classifier (5 classes), as the nsfwjs npm package ships it',
    layer: 'out_relu',
  },
  {
    id: 'nsfwjs_inception_v3',
    nsfwjs: 'inception_v3',
    nsfwName: 'InceptionV3',
    size: 299,
    format: 'tfjs LayersModel',
    producer: 'nsfwjs 4.4.0 (Keras 2.2.4, uint8-quantized weights)',
    description: 'Keras InceptionV3 299×299 moderation classifier (5 classes), as the nsfwjs npm package ships it',
    layer: 'mixed10',
  },
  {
    id: 'nsfwjs_mobilenet_v2_mid',
    nsfwjs: 'mobilenet_v2_mid',
    nsfwName: 'MobileNetV2Mid',
    size: 224,
    format: 'tfjs graph model',
    producer: 'nsfwjs 4.4.0 (tfjs-converter 1.7.4 graph model, uint8-quantized weights)',
    description: 'TF-Hub MobileNetV2 224×224 + dense head (5 classes): the graph model the nsfwjs npm package ships',
    layer: `${MID_PREFIX}/Conv_1/Relu6`,
  },
];

/** Every method that needs gradients, rules or layers (the perturbation methods are model-agnostic). */
export const CORPUS_METHODS = Object.values(METHODS)
  .filter((s) => Object.values(s.requires).some(Boolean))
  .sort((a, b) => costRank(a.id) - costRank(b.id));

/**
 * Cheapest first (model rows per example with default settings: one pass; a reference pass; the
 * noise tunnel's samples; 50-step paths; GradientSHAP's 50 samples), so that on a slow adapter a
 * time budget cuts off the fewest methods. Methods not listed keep METHODS order, in between.
 */
function costRank(id: string): number {
  const order = [
    'saliency', 'input-x-gradient', 'layer-activation', 'layer-gradient', 'layer-gradient-x-activation', 'neuron-gradient',
    'grad-cam', 'guided-backprop', 'deconvolution', 'guided-grad-cam', 'lrp', 'deeplift', 'deeplift-shap',
    'smoothgrad', 'smoothgrad-sq', 'vargrad',
    'integrated-gradients', 'layer-integrated-gradients', 'neuron-integrated-gradients', 'layer-conductance', 'neuron-conductance',
    'gradient-shap',
  ];
  const i = order.indexOf(id);
  return i >= 0 ? i : order.indexOf('smoothgrad') - 0.5;
}

/** A deterministic 0..255 integer "photo" (colour ramps, a disc, pixel noise), [H, W, 3]. */
export function photo(size: number, seed = 5): Float32Array {
  let s = seed >>> 0;
  const r = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const disc = (i - size * 0.4) ** 2 + (j - size * 0.6) ** 2 < (size * 0.2) ** 2 ? 90 : 0;
      for (let c = 0; c < 3; c++) {
        const v = 40 + (160 * (c === 0 ? i : c === 1 ? j : i + j)) / (2 * size) + disc * (c === 1 ? -1 : 1) + 30 * r();
        data[(i * size + j) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return data;
}

/** The model input nsfwjs feeds for the photo: pixels / 255, [1, H, W, 3]. */
export function inputOf(m: CorpusModel): Tensor {
  return { shape: [1, m.size, m.size, 3], data: photo(m.size).map((v) => v / 255) };
}
