/**
 * Grad-CAM (Selvaraju et al. 2017) — Captum's `LayerGradCam` followed, unless
 * `attributeToLayer` is set, by `LayerAttribution.interpolate` to the input's spatial size:
 *
 *   α_c = mean over the spatial positions of ∂F/∂A_c,   cam = Σ_c α_c A_c   (ReLU if `relu`)
 *
 * for the activation A of any layer with a channel axis: [N, C, ...spatial] ('NCHW') or
 * [N, ...spatial, C] ('NHWC'); a rank-2 layer [N, C] gives cam = Σ_c g_c A_c (Captum's rule).
 * Layout: `options.layout`, else the `layout` attribute of the layer's node or of the nearest
 * upstream spatial node in `model.graph`, else 'NCHW'.
 *
 * Output: the map keeps a singleton channel axis in the layer's layout (as Captum's keepdim):
 * attributeToLayer → [N, 1, h, w] / [N, h, w, 1]; otherwise (2-D maps only) resized to the input's
 * spatial size H×W ('nearest' default, or 'bilinear' with align_corners = false) →
 * [N, 1, H, W] / [N, H, W, 1], the input read in the same layout.
 *
 * Model calls: ⌈N / internalBatchSize⌉ forward calls if the target is the predicted class, then
 * ⌈N / internalBatchSize⌉ gradient calls with a tap on the layer.
 */
import { common, layerMethod } from '../_utils/method-entries.js';
import type { Model } from '../../model.js';
import type { Layout } from '../../ir/graph.js';
import type { Tensor } from '../../tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { checkBatchSize, type ModelCaller, type ResolvedTarget } from '../_utils/common.js';
import { type CoreResult } from '../_utils/gradient-method.js';
import { resolveTargetRows, sliceRows } from '../_utils/rows.js';
import { modelGraph, requestRows } from '../_utils/requests.js';
import { INTERPOLATIONS, resize2d, type Interpolation } from '../_utils/interpolate.js';
import { LayerMethod, RowStore, targetPlusChunks, type LayerOptions } from './layer-common.js';

export interface GradCamOptions extends LayerOptions {
  /** Apply ReLU to the map (Captum's relu_attributions; default false). */
  readonly relu?: boolean;
  /** Return the layer-resolution map instead of resizing it to the input (default false). */
  readonly attributeToLayer?: boolean;
  /** Resizing to the input size: 'nearest' (default, Captum's) or 'bilinear'. */
  readonly interpolation?: Interpolation;
  /** Layer (and input) layout; default from the graph, else 'NCHW'. */
  readonly layout?: Layout;
}

/** The layout of `layer`: its node's `layout` attribute or that of the nearest upstream node having one. */
export function layerLayout(model: Model, layer: string, explicit?: Layout): Layout {
  if (explicit !== undefined) {
    if (explicit !== 'NCHW' && explicit !== 'NHWC') throw new InvalidArgumentError(`layout must be 'NCHW' or 'NHWC', got ${String(explicit)}`);
    return explicit;
  }
  const graph = modelGraph(model);
  if (!graph) return 'NCHW';
  const producer = new Map<string, (typeof graph.nodes)[number]>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  const seen = new Set<string>();
  const queue = graph.nodes.filter((n) => n.name === layer);
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (seen.has(node.name)) continue;
    seen.add(node.name);
    const l = node.attrs['layout'];
    if (l === 'NHWC' || l === 'NCHW') return l;
    for (const i of node.inputs) {
      const p = producer.get(i);
      if (p) queue.push(p);
    }
  }
  return 'NCHW';
}

/** cam per example from a layer tap: [rows, ...] activation and gradient → [rows, S] map (S = spatial size). */
export function camMaps(act: Tensor, grad: Tensor, layout: Layout, relu: boolean): { maps: Float64Array; spatial: number[] } {
  const rows = act.shape[0]!;
  const rest = act.shape.slice(1);
  if (rest.length < 1) throw new ShapeError(`Grad-CAM needs a layer with a channel axis, got shape [${act.shape.join(', ')}]`);
  const C = layout === 'NCHW' ? rest[0]! : rest[rest.length - 1]!;
  const spatial = layout === 'NCHW' ? rest.slice(1) : rest.slice(0, -1);
  const S = spatial.reduce((a, b) => a * b, 1);
  const per = C * S;
  const maps = new Float64Array(rows * S);
  const at = (c: number, s: number) => (layout === 'NCHW' ? c * S + s : s * C + c);
  const alpha = new Float64Array(C);
  for (let r = 0; r < rows; r++) {
    const o = r * per;
    alpha.fill(0);
    for (let c = 0; c < C; c++) {
      for (let s = 0; s < S; s++) alpha[c] += grad.data[o + at(c, s)]!;
      alpha[c] /= S;
    }
    for (let s = 0; s < S; s++) {
      let v = 0;
      for (let c = 0; c < C; c++) v += alpha[c]! * act.data[o + at(c, s)]!;
      maps[r * S + s] = relu && v < 0 ? 0 : v;
    }
  }
  return { maps, spatial };
}

/** Shape of a one-channel map with these spatial dims in `layout`. */
function mapShape(rows: number, spatial: readonly number[], layout: Layout): number[] {
  return layout === 'NCHW' ? [rows, 1, ...spatial] : [rows, ...spatial, 1];
}

/** Input spatial size (H, W) read in `layout`; ShapeError when the input is not [C, H, W] / [H, W, C]. */
export function inputSpatial(model: Model, layout: Layout): [number, number] {
  const s = model.inputShape;
  if (s.length !== 3) {
    throw new ShapeError(`resizing to the input needs an image input [C, H, W] or [H, W, C], got [${s.join(', ')}]; use attributeToLayer`);
  }
  return layout === 'NCHW' ? [s[1]!, s[2]!] : [s[0]!, s[1]!];
}

export class GradCam extends LayerMethod<GradCamOptions> {
  readonly id: string = 'grad-cam';

  validateOptions(options: GradCamOptions): void {
    for (const k of ['relu', 'attributeToLayer'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new InvalidArgumentError(`${k} must be a boolean, got ${String(options[k])}`);
    }
    if (options.interpolation !== undefined && !INTERPOLATIONS.includes(options.interpolation)) {
      throw new InvalidArgumentError(`unknown interpolation '${String(options.interpolation)}'; expected one of ${INTERPOLATIONS.join(', ')}`);
    }
    const layout = layerLayout(this.model, options.layer, options.layout);
    if (!options.attributeToLayer) inputSpatial(this.model, layout);
  }

  plannedCalls(rows: number, resolveTarget: boolean, options: GradCamOptions): number {
    return targetPlusChunks(rows, resolveTarget, options.internalBatchSize);
  }

  async run(ctx: ModelCaller, x: Tensor, target: ResolvedTarget | undefined, options: GradCamOptions): Promise<CoreResult> {
    const cam = await gradCam(ctx, x, target, options);
    return { ...cam, attributions: cam.attributions };
  }
}

/** The Grad-CAM computation (shared with GuidedGradCam). */
export async function gradCam(
  ctx: ModelCaller,
  x: Tensor,
  target: ResolvedTarget | undefined,
  options: GradCamOptions,
): Promise<CoreResult & { layout: Layout }> {
  const n = x.shape[0]!;
  const max = checkBatchSize(options.internalBatchSize);
  const layout = layerLayout(ctx.model, options.layer, options.layout);
  const resolved = await resolveTargetRows(ctx, x, target, max);
  const layer = options.layer;
  const outs = new RowStore(n);
  let maps = new Float64Array(0);
  let spatial: number[] = [];
  await requestRows(
    ctx,
    n,
    max,
    (s, e) => sliceRows(x, s, e),
    resolved,
    () => ({ layers: [layer] }),
    (s, _e, res) => {
      const tap = res.layers[layer]!;
      const m = camMaps(tap.activation, tap.gradient, layout, options.relu ?? false);
      if (maps.length === 0) {
        spatial = m.spatial;
        maps = new Float64Array(n * (m.maps.length / tap.activation.shape[0]!));
      }
      maps.set(m.maps, s * (maps.length / n));
      outs.put(s, res.outputs);
    },
  );
  if (options.attributeToLayer) {
    return { attributions: { shape: mapShape(n, spatial, layout), data: Float32Array.from(maps) }, outputs: outs.tensor(), target: resolved, layout };
  }
  if (spatial.length !== 2) {
    throw new ShapeError(`resizing a Grad-CAM map to the input needs a 2-D layer map, layer ${layer} gives [${spatial.join(', ')}]; use attributeToLayer`);
  }
  const [H, W] = inputSpatial(ctx.model, layout);
  const [h, w] = spatial as [number, number];
  const data = new Float32Array(n * H * W);
  for (let i = 0; i < n; i++) {
    data.set(resize2d(maps.subarray(i * h * w, (i + 1) * h * w), h, w, H, W, options.interpolation ?? 'nearest'), i * H * W);
  }
  return { attributions: { shape: mapShape(n, [H, W], layout), data }, outputs: outs.tensor(), target: resolved, layout };
}

/**
 * METHODS entry `grad-cam`: `layer` required; relu false, interpolation 'nearest' (resized to the
 * input), attributeToLayer false.
 */
export const gradCamMethod = layerMethod(
  'grad-cam',
  'Grad-CAM (layer map, resized to the input)',
  ['target', 'layer', 'relu', 'interpolation', 'attributeToLayer', 'internalBatchSize'],
  { relu: false, interpolation: 'nearest', attributeToLayer: false },
  (m, x, o) =>
    new GradCam(m).attribute(x, { ...common(o), layer: o.layer!, relu: o.relu, interpolation: o.interpolation, attributeToLayer: o.attributeToLayer }),
);
