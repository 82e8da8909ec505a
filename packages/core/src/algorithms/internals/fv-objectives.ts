/**
 * Feature-visualization objectives as plain JSON data (lucid's `objectives`), their checks
 * against a model's layers, and their value and gradient with respect to layer activations.
 *
 * Units are addressed by (layer, channel, position). The channel axis of a layer's per-example
 * shape: rank 1 [C] (dense) — the only axis; rank 3 — axis 0 for NCHW, axis 2 for NHWC, the
 * layout being the `layout` attribute of the nearest spatial op (Conv, pool, BatchNorm) at or
 * upstream of the layer's node (IR convention, ir/graph.ts), NCHW when there is none (ONNX);
 * any other rank — the last axis. The remaining axes are positions; `position` lists them in
 * order (e.g. [y, x]); default: each one's centre ⌊size/2⌋ (lucid).
 *
 * Values (summed over the batch images an objective applies to; `batch` restricts it to one):
 *   neuron     a[b, position, channel]
 *   channel    mean over positions of a[b, ·, channel]
 *   layer      mean over all elements of a[b]²  (DeepDream)
 *   direction  Σ_c v_c·a[b, position, c] at `position`, or its mean over positions when absent
 *   diversity  −(1/B) Σ_{i≠j} ⟨Ĝ_i, Ĝ_j⟩, Ĝ_i the Gram matrix (channels × channels, over positions)
 *              of image i divided by its Frobenius norm (lucid's diversity, sign included so
 *              that adding it rewards dissimilar images)
 *   sum        Σ terms;  scale: by · objective;  batch: objective on image `index` only
 * The total is maximised. Gradients are written out by hand (diversity: Ĝ = G/‖G‖, G = FᵀF).
 */
import type { Graph } from '../../ir/graph.js';
import { attrLayout, type Layout } from '../../ir/graph.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Model } from '../../model.js';
import { sizeOf } from '../../tensor.js';
import { layerNameOf } from '../layer/layer-common.js';
import { layerShapeOf } from '../neuron/neuron-common.js';

export type Objective =
  | { readonly kind: 'neuron'; readonly layer: string; readonly channel: number; readonly position?: readonly number[] }
  | { readonly kind: 'channel'; readonly layer: string; readonly channel: number }
  | { readonly kind: 'layer'; readonly layer: string }
  | { readonly kind: 'direction'; readonly layer: string; readonly vector: readonly number[]; readonly position?: readonly number[] }
  | { readonly kind: 'diversity'; readonly layer: string }
  | { readonly kind: 'sum'; readonly terms: readonly Objective[] }
  | { readonly kind: 'scale'; readonly by: number; readonly objective: Objective }
  | { readonly kind: 'batch'; readonly index: number; readonly objective: Objective };

/** Builders of objective data (plain objects; combine freely). */
export const objectives = {
  neuron: (layer: string, channel: number, position?: readonly number[]): Objective => ({ kind: 'neuron', layer, channel, ...(position ? { position } : {}) }),
  channel: (layer: string, channel: number): Objective => ({ kind: 'channel', layer, channel }),
  layer: (layer: string): Objective => ({ kind: 'layer', layer }),
  direction: (layer: string, vector: readonly number[], position?: readonly number[]): Objective => ({ kind: 'direction', layer, vector, ...(position ? { position } : {}) }),
  diversity: (layer: string): Objective => ({ kind: 'diversity', layer }),
  sum: (...terms: Objective[]): Objective => ({ kind: 'sum', terms }),
  difference: (a: Objective, b: Objective): Objective => ({ kind: 'sum', terms: [a, { kind: 'scale', by: -1, objective: b }] }),
  scale: (by: number, objective: Objective): Objective => ({ kind: 'scale', by, objective }),
  batch: (index: number, objective: Objective): Objective => ({ kind: 'batch', index, objective }),
};

/** A layer as objectives see it. */
export interface LayerInfo {
  /** The tappable layer name (aliases resolved). */
  readonly name: string;
  /** Per-example shape. */
  readonly shape: readonly number[];
  readonly size: number;
  readonly channelAxis: number;
  readonly channels: number;
  /** Sizes of the position axes (all axes but the channel axis, in order). */
  readonly positions: readonly number[];
  /** Layout of rank-3 layers. */
  readonly layout?: Layout;
}

const SPATIAL = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'BatchNormalization', 'GlobalAveragePool']);

/** Layout of the nearest spatial op at or upstream of `node` (NCHW when none). */
export function layoutAt(graph: Graph, node: string): Layout {
  const byOutput = new Map(graph.nodes.map((n) => [n.outputs[0]!, n]));
  const seen = new Set<string>();
  const queue = [graph.nodes.find((n) => n.name === node)];
  while (queue.length > 0) {
    const n = queue.shift();
    if (!n || seen.has(n.name)) continue;
    seen.add(n.name);
    if (SPATIAL.has(n.op)) return attrLayout(n);
    for (const i of n.inputs) queue.push(byOutput.get(i));
  }
  return 'NCHW';
}

export function layerInfo(model: Model, graph: Graph, layer: string, method: string): LayerInfo {
  const name = layerNameOf(model, layer, method);
  const shape = layerShapeOf(graph, name);
  const layout = shape.length === 3 ? layoutAt(graph, name) : undefined;
  const channelAxis = shape.length === 3 ? (layout === 'NHWC' ? 2 : 0) : shape.length - 1;
  return {
    name,
    shape,
    size: sizeOf(shape),
    channelAxis,
    channels: shape[channelAxis] ?? 1,
    positions: shape.filter((_, i) => i !== channelAxis),
    ...(layout ? { layout } : {}),
  };
}

/** Flat per-example index of (position, channel). */
export function unitIndex(info: LayerInfo, position: readonly number[], channel: number): number {
  let flat = 0;
  let p = 0;
  for (let d = 0; d < info.shape.length; d++) flat = flat * info.shape[d]! + (d === info.channelAxis ? channel : position[p++]!);
  return flat;
}

/** Every flat index of one channel, in position order. */
export function channelIndices(info: LayerInfo, channel: number): Int32Array {
  const count = sizeOf(info.positions);
  const out = new Int32Array(count);
  const pos = new Array<number>(info.positions.length).fill(0);
  for (let i = 0; i < count; i++) {
    out[i] = unitIndex(info, pos, channel);
    for (let d = pos.length - 1; d >= 0; d--) {
      if (++pos[d]! < info.positions[d]!) break;
      pos[d] = 0;
    }
  }
  return out;
}

function checkChannel(info: LayerInfo, channel: unknown, what: string): number {
  if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < 0 || channel >= info.channels) {
    throw new InvalidArgumentError(`${what}: channel ${String(channel)} is out of range; layer ${info.name} [${info.shape.join(', ')}] has channels 0…${info.channels - 1}`);
  }
  return channel;
}

function checkPosition(info: LayerInfo, position: unknown, what: string): number[] {
  if (position === undefined) return info.positions.map((s) => Math.floor(s / 2));
  if (!Array.isArray(position) || position.length !== info.positions.length) {
    throw new InvalidArgumentError(`${what}: position needs ${info.positions.length} indices (positions [${info.positions.join(', ')}] of layer ${info.name})`);
  }
  position.forEach((v: unknown, d) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= info.positions[d]!) {
      throw new InvalidArgumentError(`${what}: position index ${String(v)} at axis ${d} is outside [0, ${info.positions[d]}) of layer ${info.name}`);
    }
  });
  return position as number[];
}

/** A checked objective: layers resolved, and whether it is linear in the activations. */
export interface CompiledObjective {
  readonly objective: Objective;
  readonly layers: ReadonlyMap<string, LayerInfo>;
  /** Linear objectives have activation gradients independent of the activations. */
  readonly linear: boolean;
  /** Smallest batch the objective needs (1 + the largest `batch` index). */
  readonly minBatch: number;
}

/** Validates `objective` against the model (typed errors) and resolves its layers. */
export function compileObjective(model: Model, graph: Graph, objective: unknown, method: string): CompiledObjective {
  const layers = new Map<string, LayerInfo>();
  let linear = true;
  let minBatch = 1;
  const info = (layer: unknown, what: string): LayerInfo => {
    const i = layerInfo(model, graph, layer as string, `${method} ${what}`);
    layers.set(layer as string, i);
    return i;
  };
  const visit = (o: Objective, path: string): void => {
    if (!o || typeof o !== 'object') throw new InvalidArgumentError(`${path}: an objective must be an object with a kind`);
    const what = `objective ${path} (${o.kind})`;
    switch (o.kind) {
      case 'neuron': {
        const i = info(o.layer, what);
        checkChannel(i, o.channel, what);
        checkPosition(i, o.position, what);
        return;
      }
      case 'channel':
        checkChannel(info(o.layer, what), o.channel, what);
        return;
      case 'layer':
        info(o.layer, what);
        linear = false;
        return;
      case 'direction': {
        const i = info(o.layer, what);
        if (!Array.isArray(o.vector) || o.vector.length !== i.channels || o.vector.some((v) => !Number.isFinite(v))) {
          throw new InvalidArgumentError(`${what}: vector needs ${i.channels} finite numbers (the channels of layer ${i.name})`);
        }
        if (o.position !== undefined) checkPosition(i, o.position, what);
        return;
      }
      case 'diversity':
        info(o.layer, what);
        linear = false;
        return;
      case 'sum':
        if (!Array.isArray(o.terms) || o.terms.length === 0) throw new InvalidArgumentError(`${what}: terms must be a non-empty list`);
        o.terms.forEach((t, k) => visit(t, `${path}.terms[${k}]`));
        return;
      case 'scale':
        if (typeof o.by !== 'number' || !Number.isFinite(o.by)) throw new InvalidArgumentError(`${what}: by must be a finite number`);
        visit(o.objective, `${path}.objective`);
        return;
      case 'batch':
        if (!Number.isInteger(o.index) || o.index < 0) throw new InvalidArgumentError(`${what}: index must be an integer ≥ 0`);
        minBatch = Math.max(minBatch, o.index + 1);
        visit(o.objective, `${path}.objective`);
        return;
      default:
        throw new InvalidArgumentError(
          `${path}: unknown objective kind '${String((o as { kind?: unknown }).kind)}' (neuron, channel, layer, direction, diversity, sum, scale, batch)`,
        );
    }
  };
  visit(objective as Objective, 'objective');
  return { objective: objective as Objective, layers, linear, minBatch };
}

/** The value of an objective and its gradient per layer (by the objective's layer names). */
export interface ObjectiveValue {
  readonly total: number;
  /** Per image: the separable terms (all but diversity). */
  readonly perImage: Float64Array;
  readonly grads: Map<string, Float64Array>;
}

/**
 * Value and activation gradients. `acts` maps each layer name of the objective to its
 * activations [B × size] (undefined allowed for linear objectives: gradients need none).
 */
export function evaluateObjective(c: CompiledObjective, acts: ReadonlyMap<string, ArrayLike<number>> | undefined, batch: number): ObjectiveValue {
  const grads = new Map<string, Float64Array>();
  for (const [name, i] of c.layers) grads.set(name, new Float64Array(batch * i.size));
  const perImage = new Float64Array(batch);
  let total = 0;
  const a = (layer: string) => acts?.get(layer);
  const visit = (o: Objective, w: number, only: number | undefined): void => {
    const images = only === undefined ? Array.from({ length: batch }, (_, b) => b) : only < batch ? [only] : [];
    switch (o.kind) {
      case 'neuron':
      case 'channel':
      case 'direction': {
        const i = c.layers.get(o.layer)!;
        const g = grads.get(o.layer)!;
        const act = a(o.layer);
        const terms: [number, number][] = []; // (flat index, coefficient)
        if (o.kind === 'neuron') terms.push([unitIndex(i, checkPosition(i, o.position, ''), o.channel), 1]);
        else if (o.kind === 'channel') {
          const idx = channelIndices(i, o.channel);
          for (const k of idx) terms.push([k, 1 / idx.length]);
        } else {
          for (let ch = 0; ch < i.channels; ch++) {
            if (o.position !== undefined) terms.push([unitIndex(i, o.position, ch), o.vector[ch]!]);
            else {
              const idx = channelIndices(i, ch);
              for (const k of idx) terms.push([k, o.vector[ch]! / idx.length]);
            }
          }
        }
        for (const b of images) {
          let v = 0;
          for (const [k, coef] of terms) {
            g[b * i.size + k] += w * coef;
            if (act) v += coef * act[b * i.size + k]!;
          }
          perImage[b] += w * v;
          total += w * v;
        }
        return;
      }
      case 'layer': {
        const i = c.layers.get(o.layer)!;
        const g = grads.get(o.layer)!;
        const act = a(o.layer)!;
        for (const b of images) {
          let v = 0;
          for (let k = b * i.size; k < (b + 1) * i.size; k++) {
            v += (act[k]! * act[k]!) / i.size;
            g[k] += (w * 2 * act[k]!) / i.size;
          }
          perImage[b] += w * v;
          total += w * v;
        }
        return;
      }
      case 'diversity':
        total += w * diversity(c.layers.get(o.layer)!, a(o.layer)!, images, grads.get(o.layer)!, w);
        return;
      case 'sum':
        for (const t of o.terms) visit(t, w, only);
        return;
      case 'scale':
        visit(o.objective, w * o.by, only);
        return;
      case 'batch':
        visit(o.objective, w, o.index);
        return;
    }
  };
  visit(c.objective, 1, undefined);
  return { total, perImage, grads };
}

/** Diversity value over `images`; adds w·∂/∂a into g. */
function diversity(info: LayerInfo, act: ArrayLike<number>, images: readonly number[], g: Float64Array, w: number): number {
  const C = info.channels;
  const P = info.size / C;
  const B = images.length;
  if (B < 2) return 0;
  const grams: Float64Array[] = [];
  const norms: number[] = [];
  // F_b[p, c] = act[b, unitIndex(p, c)]
  const idx = Array.from({ length: C }, (_, ch) => channelIndices(info, ch));
  for (const b of images) {
    const G = new Float64Array(C * C);
    const o = b * info.size;
    for (let p = 0; p < P; p++) {
      for (let i = 0; i < C; i++) {
        const fi = act[o + idx[i]![p]!]!;
        if (fi === 0) continue;
        for (let j = 0; j < C; j++) G[i * C + j] += fi * act[o + idx[j]![p]!]!;
      }
    }
    let n = 0;
    for (const v of G) n += v * v;
    n = Math.sqrt(n) + 1e-10;
    grams.push(G.map((v) => v / n));
    norms.push(n);
  }
  let s = 0;
  const gHat = grams.map(() => new Float64Array(C * C));
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) {
      if (i === j) continue;
      let d = 0;
      for (let k = 0; k < C * C; k++) d += grams[i]![k]! * grams[j]![k]!;
      s += d;
      for (let k = 0; k < C * C; k++) gHat[i]![k] += 2 * grams[j]![k]!; // ∂s/∂Ĝ_i (each pair counted twice)
    }
  }
  const scale = -w / B; // value = −s/B
  images.forEach((b, bi) => {
    const u = grams[bi]!;
    const gh = gHat[bi]!;
    let dot = 0;
    for (let k = 0; k < C * C; k++) dot += u[k]! * gh[k]!;
    const gG = new Float64Array(C * C); // ∂s/∂G = (gh − u⟨u, gh⟩)/‖G‖
    for (let k = 0; k < C * C; k++) gG[k] = (gh[k]! - u[k]! * dot) / norms[bi]!;
    const o = b * info.size;
    // ∂/∂F = F (gG + gGᵀ)
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < C; j++) {
        let v = 0;
        for (let i = 0; i < C; i++) v += act[o + idx[i]![p]!]! * (gG[i * C + j]! + gG[j * C + i]!);
        g[o + idx[j]![p]!] += scale * v;
      }
    }
  });
  return -s / B;
}
