/**
 * Analytic test models implementing `Model` directly, with hand-written forward and backward
 * passes in float64 (outputs and gradients rounded once to float32). Independent of the graph IR
 * and its executor, so they can check both the algorithms and the executor.
 */
import type { ActivationResult, Capabilities, GradientRequest, GradientResult, Model, CallOptions } from '../model.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { CapabilityError, InvalidArgumentError, ShapeError, TargetError, throwIfAborted } from '../errors.js';

/** A fully connected layer in PyTorch layout: weight [out, in], y = W x + b. */
export interface DenseLayer {
  readonly weight: readonly (readonly number[])[] | Tensor;
  readonly bias?: readonly number[] | Float32Array;
}

interface Layer {
  readonly inF: number;
  readonly outF: number;
  readonly w: Float64Array; // [out, in]
  readonly b: Float64Array;
}

function toLayer(l: DenseLayer, k: number): Layer {
  let w: Float64Array;
  let outF: number;
  let inF: number;
  if (Array.isArray(l.weight)) {
    const rows = l.weight as readonly (readonly number[])[];
    outF = rows.length;
    inF = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== inF)) throw new ShapeError(`layer ${k}: weight rows have different lengths`);
    w = Float64Array.from(rows.flat());
  } else {
    const t = l.weight as Tensor;
    if (t.shape.length !== 2) throw new ShapeError(`layer ${k}: weight must be 2-D [out, in], got [${t.shape.join(', ')}]`);
    [outF, inF] = t.shape as [number, number];
    w = Float64Array.from(t.data);
  }
  if (outF < 1 || inF < 1) throw new ShapeError(`layer ${k}: empty weight`);
  const b = l.bias ? Float64Array.from(l.bias) : new Float64Array(outF);
  if (b.length !== outF) throw new ShapeError(`layer ${k}: bias has ${b.length} values for ${outF} outputs`);
  if (![...w, ...b].every(Number.isFinite)) throw new InvalidArgumentError(`layer ${k}: non-finite parameter`);
  return { inF, outF, w, b };
}

class DenseReluModel implements Model {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly capabilities: Capabilities = { gradients: true, layers: false, rules: false };
  readonly layerNames: readonly string[] = [];
  readonly backend: string;
  private readonly layers: readonly Layer[];

  constructor(layers: readonly DenseLayer[], name: string) {
    if (layers.length === 0) throw new InvalidArgumentError('denseReluModel needs at least one layer');
    this.layers = layers.map(toLayer);
    for (let k = 1; k < this.layers.length; k++) {
      if (this.layers[k]!.inF !== this.layers[k - 1]!.outF) {
        throw new ShapeError(`layer ${k} takes ${this.layers[k]!.inF} inputs but layer ${k - 1} gives ${this.layers[k - 1]!.outF}`);
      }
    }
    this.inputShape = [this.layers[0]!.inF];
    this.outputShape = [this.layers[this.layers.length - 1]!.outF];
    this.backend = name;
  }

  private check(x: Tensor, signal?: AbortSignal): number {
    throwIfAborted(signal);
    if (x.shape.length !== 2 || x.shape[1] !== this.inputShape[0] || x.data.length !== sizeOf(x.shape)) {
      throw new ShapeError(`input has shape [${x.shape.join(', ')}], expected [N, ${this.inputShape[0]}]`);
    }
    return x.shape[0]!;
  }

  /** Pre-activations of every layer, per row (float64). */
  private run(x: Tensor, n: number): Float64Array[] {
    const zs: Float64Array[] = [];
    let h = Float64Array.from(x.data);
    this.layers.forEach((L, k) => {
      const z = new Float64Array(n * L.outF);
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < L.outF; o++) {
          let s = L.b[o]!;
          for (let i = 0; i < L.inF; i++) s += L.w[o * L.inF + i]! * h[r * L.inF + i]!;
          z[r * L.outF + o] = s;
        }
      }
      zs.push(z);
      h = k < this.layers.length - 1 ? z.map((v) => (v > 0 ? v : 0)) : z;
    });
    return zs;
  }

  async forward(x: Tensor, options?: CallOptions): Promise<Tensor> {
    const n = this.check(x, options?.signal);
    const zs = this.run(x, n);
    return { shape: [n, ...this.outputShape], data: Float32Array.from(zs[zs.length - 1]!) };
  }

  async gradient(x: Tensor, request: GradientRequest): Promise<GradientResult> {
    const n = this.check(x, request.signal);
    if (request.rules) throw new CapabilityError(`${this.backend}: propagation rules are not supported`);
    if (request.layers?.length || (request.overrides && Object.keys(request.overrides).length)) {
      throw new CapabilityError(`${this.backend}: layer taps and overrides are not supported`);
    }
    const outF = this.outputShape[0]!;
    let g = new Float64Array(n * outF);
    const seed = request.seed;
    if (seed.kind === 'index') {
      if (seed.indices.length !== n) throw new TargetError(`seed has ${seed.indices.length} indices for ${n} rows`);
      seed.indices.forEach((t, r) => {
        if (!Number.isInteger(t) || t < 0 || t >= outF) throw new TargetError(`target ${t} out of range [0, ${outF})`);
        g[r * outF + t] = 1;
      });
    } else {
      if (seed.seed.shape.length !== 2 || seed.seed.shape[0] !== n || seed.seed.shape[1] !== outF) {
        throw new TargetError(`seed tensor has shape [${seed.seed.shape.join(', ')}], expected [${n}, ${outF}]`);
      }
      g = Float64Array.from(seed.seed.data);
    }
    const zs = this.run(x, n);
    for (let k = this.layers.length - 1; k >= 0; k--) {
      const L = this.layers[k]!;
      const gin = new Float64Array(n * L.inF);
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < L.outF; o++) {
          const go = g[r * L.outF + o]!;
          if (go === 0) continue;
          for (let i = 0; i < L.inF; i++) gin[r * L.inF + i] += L.w[o * L.inF + i]! * go;
        }
      }
      if (k > 0) {
        // ReLU between layers k−1 and k: gradient passes where the pre-activation is > 0.
        const zPrev = zs[k - 1]!;
        for (let q = 0; q < gin.length; q++) if (!(zPrev[q]! > 0)) gin[q] = 0;
      }
      g = gin;
    }
    return {
      outputs: { shape: [n, ...this.outputShape], data: Float32Array.from(zs[zs.length - 1]!) },
      inputGradient: { shape: [n, ...this.inputShape], data: Float32Array.from(g) },
      layers: {},
    };
  }

  async activations(_x: Tensor, _layers: readonly string[], _options?: CallOptions): Promise<ActivationResult> {
    throw new CapabilityError(`${this.backend}: layer activations are not supported`);
  }

  dispose(): void {}
}

/**
 * Linear – ReLU – Linear – … – Linear (ReLU between layers, none after the last), weights in
 * PyTorch layout [out, in]. ReLU′(0) = 0 as in PyTorch. Capabilities: gradients only.
 */
export function denseReluModel(layers: readonly DenseLayer[], name = 'dense-relu (analytic)'): Model {
  return new DenseReluModel(layers, name);
}

/** y = W x + b, W [out, in]. */
export function linearModel(weight: DenseLayer['weight'], bias?: DenseLayer['bias']): Model {
  return new DenseReluModel([{ weight, ...(bias ? { bias } : {}) }], 'linear (analytic)');
}

/**
 * The integrated-gradients paper's example f(x₁, x₂) = ReLU(ReLU(x₁) − 1 − ReLU(x₂)), input [2],
 * output [1]. From x = (3, 1) to the zero baseline the exact IG is (1.5, −0.5).
 */
export function igPaperModel(): Model {
  return new DenseReluModel(
    [
      { weight: [[1, 0], [0, 1]], bias: [0, 0] },
      { weight: [[1, -1]], bias: [-1] },
      { weight: [[1]], bias: [0] },
    ],
    'ig-paper ReLU(ReLU(x1) - 1 - ReLU(x2)) (analytic)',
  );
}
