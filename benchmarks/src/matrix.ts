/**
 * The issue 15 matrix: Saliency, IG (50 steps), SmoothGrad, DeepLIFT, LRP, Grad-CAM, Occlusion,
 * KernelSHAP and LIME × mlp_tabular, LeNet, ResNet-18 and MobileNetV2 (64×64 and 224×224) × batch
 * 1, 8, 32 × every Node adapter; and the `--quick` slice of it (the small models, batch 1, tiny
 * sample counts). Rows that would take too long on a runtime are skipped with the reason by the
 * harness (--max-estimate: the row's FLOPs at the runtime's measured peak), rows that do not apply
 * (Grad-CAM without a convolution) say so.
 *
 * Options that depend on the built model's layout (NHWC IR graph for reference / tfjs / gpu.js,
 * NCHW ONNX file for onnx-node / onnx-web) are set by `adapt`: the occlusion window, the KernelSHAP
 * patch mask and the Grad-CAM layer.
 */
import type { MethodOptions, Model } from '@glasswing/core';
import { ADAPTERS } from './adapters.js';
import type { AlgorithmRow, Workload } from './workloads.js';
import { workloadsFor } from './workloads.js';

export const MATRIX_METHODS = ['saliency', 'integrated-gradients', 'smoothgrad', 'deeplift', 'lrp', 'grad-cam', 'occlusion', 'kernel-shap', 'lime'] as const;
export const MATRIX_MODELS = ['mlp_tabular', 'lenet_mnist', 'resnet18_64', 'mobilenet_v2_64', 'resnet18_224', 'mobilenet_v2_224'] as const;
export const MATRIX_BATCHES = [1, 8, 32] as const;

/** Patches per side of the image models' occlusion windows and KernelSHAP masks (8×8 = 64 features). */
const PATCHES = 8;

/** Grad-CAM's layer: the last convolutional block's output. */
const GRAD_CAM_LAYER: Readonly<Record<string, string>> = {
  lenet_mnist: 'conv2',
  resnet18: '/layer4/layer4.1/relu_1/Relu',
  mobilenet_v2: '/features/features.18/features.18.2/Clip',
};

interface ImageGeometry {
  readonly channelsFirst: boolean;
  readonly h: number;
  readonly w: number;
  readonly c: number;
}

/** Per-example image geometry from a model's input shape ([C,H,W] or [H,W,C]); undefined for 1-D inputs. */
export function imageGeometry(inputShape: readonly number[]): ImageGeometry | undefined {
  if (inputShape.length !== 3) return undefined;
  const [a, b, c] = inputShape as [number, number, number];
  const channelsFirst = a <= 4 && c > 4;
  return channelsFirst ? { channelsFirst, c: a, h: b, w: c } : { channelsFirst, h: a, w: b, c };
}

/** KernelSHAP feature mask: PATCHES × PATCHES square patches, all channels of a pixel in one group. */
export function patchMask(inputShape: readonly number[]): Int32Array {
  const g = imageGeometry(inputShape)!;
  const mask = new Int32Array(g.c * g.h * g.w);
  const ph = Math.ceil(g.h / PATCHES);
  const pw = Math.ceil(g.w / PATCHES);
  for (let y = 0; y < g.h; y++)
    for (let x = 0; x < g.w; x++)
      for (let ch = 0; ch < g.c; ch++) {
        const at = g.channelsFirst ? (ch * g.h + y) * g.w + x : (y * g.w + x) * g.c + ch;
        mask[at] = Math.floor(y / ph) * PATCHES + Math.floor(x / pw);
      }
  return mask;
}

function occlusionOptions(model: Model): MethodOptions {
  const g = imageGeometry(model.inputShape);
  if (!g) return { window: [2], strides: 2 };
  const k = Math.ceil(g.h / PATCHES);
  return g.channelsFirst ? { window: [g.c, k, k], strides: [g.c, k, k] } : { window: [k, k, g.c], strides: [k, k, g.c] };
}

function gradCamLayer(model: Model, modelId: string): MethodOptions {
  const want = GRAD_CAM_LAYER[modelId.replace(/_\d+$/, '')] ?? GRAD_CAM_LAYER[modelId]!;
  // The ONNX export of LeNet names its node '/conv2/Conv', the tfjs graph 'conv2'; the layouts' ONNX
  // node '/layer4/layer4.1/relu_1/Relu' is the tfjs copy's layer 'layer4/layer4.1/relu_1'.
  const keras = want.startsWith('/') ? want.slice(1).replace(/\/[A-Za-z]+$/, '') : want;
  const layer = model.layerNames.find((n) => n === want || n === keras) ?? model.layerNames.find((n) => n.includes(`/${want}/`)) ?? want;
  return { layer, interpolation: 'bilinear' };
}

export interface MatrixCounts {
  readonly steps: number;
  readonly smoothgradSamples: number;
  readonly shapSamples: number;
  readonly limeSamples: number;
}

export const FULL_COUNTS: MatrixCounts = { steps: 50, smoothgradSamples: 25, shapSamples: 2048, limeSamples: 1000 };
export const QUICK_COUNTS: MatrixCounts = { steps: 4, smoothgradSamples: 4, shapSamples: 64, limeSamples: 64 };

const TABULAR_FEATURES = 10;

/** One matrix row (method × model × batch), or undefined when the method does not apply to the model. */
export function matrixRow(method: (typeof MATRIX_METHODS)[number], model: string, batch: number, counts: MatrixCounts): AlgorithmRow {
  const image = model !== 'mlp_tabular';
  const features = image ? PATCHES * PATCHES : TABULAR_FEATURES;
  const heavy = model.startsWith('resnet18') || model.startsWith('mobilenet_v2');
  const base = { model, batch, reps: heavy ? 3 : 10, warmup: 1, budgetS: heavy ? 30 : 10 };
  const grad = (rows: number) => ({ forward: 0, gradient: batch * rows });
  const fwd = (rows: number) => ({ forward: batch * rows, gradient: 0 });
  switch (method) {
    case 'saliency':
      return { ...base, method, options: { abs: true }, expectedRows: grad(1) };
    case 'integrated-gradients':
      return { ...base, method, options: { steps: counts.steps, quadrature: 'gausslegendre', baselines: 0 }, expectedRows: grad(counts.steps) };
    case 'smoothgrad':
      return { ...base, method, options: { samples: counts.smoothgradSamples, stdev: 0.1, seed: 0 }, expectedRows: grad(counts.smoothgradSamples) };
    case 'deeplift':
      return { ...base, method, options: { baselines: 0 }, expectedRows: { forward: 1, gradient: batch } }; // one shared-baseline row (rules/deep-lift.ts)
    case 'lrp':
      return { ...base, method, options: { composite: 'captum' }, expectedRows: grad(1) };
    case 'grad-cam':
      return image
        ? { ...base, method, options: {}, adapt: (m: Model) => gradCamLayer(m, model), expectedRows: grad(1) }
        : { ...base, method, options: {}, skip: 'Grad-CAM needs a convolutional layer; mlp_tabular has none' };
    case 'occlusion':
      return { ...base, method, options: { baselines: 0 }, adapt: occlusionOptions, expectedRows: fwd((image ? PATCHES * PATCHES : TABULAR_FEATURES / 2) + 1) };
    case 'kernel-shap': {
      const exact = 2 ** features - 2;
      const samples = Math.min(counts.shapSamples, exact);
      return {
        ...base,
        method,
        options: { samples, baselines: 0, seed: 0 },
        ...(image ? { adapt: (m: Model) => ({ featureMask: patchMask(m.inputShape) }) } : {}),
        // Coalitions × background rows per example, the examples themselves, the background once.
        expectedRows: { forward: batch * samples + batch + 1, gradient: 0 },
      };
    }
    case 'lime':
      return {
        ...base,
        method,
        options: { samples: counts.limeSamples, baselines: 0, seed: 0 },
        ...(image ? { adapt: (m: Model) => ({ featureMask: patchMask(m.inputShape) }) } : {}),
        expectedRows: fwd(counts.limeSamples),
      };
  }
}

const NODE_ADAPTERS = ADAPTERS.map((a) => a.id);

/** The full matrix on every Node adapter, minus ids `exclude` already has (the Captum-matched rows). */
export function matrixWorkloads(exclude: readonly Workload[] = []): Workload[] {
  const rows = MATRIX_MODELS.flatMap((model) => MATRIX_BATCHES.flatMap((batch) => MATRIX_METHODS.map((m) => matrixRow(m, model, batch, FULL_COUNTS))));
  const taken = new Set(exclude.map((w) => w.id));
  return workloadsFor(rows, NODE_ADAPTERS).filter((w) => !taken.has(w.id));
}

/** The `--quick` slice: every method on mlp_tabular and LeNet at batch 1 on every Node adapter, MobileNetV2 64×64 Saliency and IG on the fast ones; tiny counts, 1 repetition. */
export function quickWorkloads(): Workload[] {
  const small = (['mlp_tabular', 'lenet_mnist'] as const).flatMap((model) => MATRIX_METHODS.map((m) => matrixRow(m, model, 1, QUICK_COUNTS)));
  const mobilenet = (['saliency', 'integrated-gradients'] as const).map((m) => matrixRow(m, 'mobilenet_v2_64', 1, QUICK_COUNTS));
  return [...workloadsFor(small, NODE_ADAPTERS), ...workloadsFor(mobilenet, ['reference', 'tfjs-wasm', 'onnx-node', 'onnx-web'])];
}
