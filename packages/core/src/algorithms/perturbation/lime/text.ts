/**
 * LIME for text (the `lime` package's LimeTextExplainer, written from its documented behaviour),
 * on token inputs: per-example [T] (token ids as numbers) or [T, E] (a vector per token).
 * Interpretable features are tokens, or groups of tokens (`tokenMask`: a group id ≥ 0 per token,
 * e.g. the same id for every occurrence of a word = `lime`'s bag-of-words mode; −1 = never
 * masked, e.g. padding). A sample switches off a uniformly drawn number 1 … M of distinct
 * features; their tokens are replaced by `maskValue` (a number, or one vector of E numbers).
 * Distance: 100 × the cosine distance between the on/off vector and all-ones; kernel width
 * default 25; nSamples default 1000 (`lime`: 5000); ridge α = 1.
 */
import type { Model } from '../../../model.js';
import { sizeOf, type Tensor } from '../../../tensor.js';
import { InvalidArgumentError, ShapeError, throwIfAborted } from '../../../errors.js';
import { ModelCaller, validateInput, validateTarget } from '../../_utils/common.js';
import { resolveBatching } from '../../_utils/perturbation/index.js';
import { limeCalls, limeSettings, runLime, type LimeCommonOptions, type LimeExample, type LimeResult } from './surrogate.js';

export interface LimeTextOptions extends LimeCommonOptions {
  /** Replacement of masked tokens: a number, or a vector of E numbers. Default 0. */
  readonly maskValue?: number | ArrayLike<number>;
  /** Feature group per token, [T] shared or [N·T]; −1 = never masked. Default: one per token. */
  readonly tokenMask?: ArrayLike<number>;
}

export const LIME_TEXT_DEFAULTS = { nSamples: 1000, kernelWidth: 25, maskValue: 0 } as const;

function textExample(x: Tensor, i: number, t: number, e: number, groups: Int32Array, mask: Float32Array): LimeExample {
  const per = t * e;
  const xi = x.data.subarray(i * per, (i + 1) * per);
  let m = 0;
  for (let k = 0; k < t; k++) m = Math.max(m, groups[k]! + 1);
  if (m < 1) throw new InvalidArgumentError(`example ${i}: tokenMask leaves no token to mask`);
  const perm = new Int32Array(m);
  return {
    m,
    z0: new Float64Array(m).fill(1),
    sample(rng, z, dst, off) {
      z.fill(1);
      const off_ = 1 + rng.int(m);
      for (let j = 0; j < m; j++) perm[j] = j;
      for (let j = 0; j < off_; j++) {
        const k = j + rng.int(m - j);
        const tmp = perm[j]!;
        perm[j] = perm[k]!;
        perm[k] = tmp;
        z[perm[j]!] = 0;
      }
      for (let k = 0; k < t; k++) {
        const g = groups[k]!;
        const masked = g >= 0 && z[g] === 0;
        for (let d = 0; d < e; d++) dst[off + k * e + d] = masked ? mask[d]! : xi[k * e + d]!;
      }
    },
    distance(z) {
      let on = 0;
      for (let j = 0; j < m; j++) on += z[j]!;
      return 100 * (on === 0 ? 1 : 1 - Math.sqrt(on / m));
    },
    spread(coef, out, off) {
      for (let k = 0; k < t; k++) for (let d = 0; d < e; d++) out[off + k * e + d] = groups[k]! >= 0 ? coef[groups[k]!]! : 0;
    },
  };
}

export class LimeText {
  readonly id = 'lime';
  constructor(readonly model: Model) {}

  async attribute(x: Tensor, options: LimeTextOptions = {}): Promise<LimeResult> {
    const model = this.model;
    const n = validateInput(model, x);
    const shape = model.inputShape;
    if (shape.length !== 1 && shape.length !== 2) throw new ShapeError(`LIME text needs per-example input [T] or [T, E], got [${shape.join(', ')}]`);
    const t = shape[0]!;
    const e = shape.length === 2 ? shape[1]! : 1;
    const mv = options.maskValue ?? LIME_TEXT_DEFAULTS.maskValue;
    const mask = typeof mv === 'number' ? new Float32Array(e).fill(mv) : Float32Array.from(mv);
    if (mask.length !== e || !mask.every(Number.isFinite)) throw new InvalidArgumentError(`maskValue must be a finite number or ${e} finite numbers`);
    let groups: Int32Array[];
    if (options.tokenMask === undefined) {
      const g = Int32Array.from({ length: t }, (_, k) => k);
      groups = new Array<Int32Array>(n).fill(g);
    } else {
      const tm = options.tokenMask;
      if (tm.length !== t && tm.length !== n * t) throw new ShapeError(`tokenMask has ${tm.length} values; expected ${t} or ${n * t}`);
      const all = new Int32Array(tm.length);
      for (let k = 0; k < tm.length; k++) {
        const v = tm[k]!;
        if (!Number.isInteger(v) || v < -1) throw new InvalidArgumentError(`tokenMask value ${String(v)} at ${k} is not an integer ≥ −1`);
        all[k] = v;
      }
      groups = Array.from({ length: n }, (_, i) => (tm.length === t ? all : all.subarray(i * t, (i + 1) * t)));
    }
    const settings = limeSettings(options, LIME_TEXT_DEFAULTS);
    const batching = resolveBatching(options, shape);
    const target = validateTarget(model, options.target, n);
    const ctx = new ModelCaller(model, options.signal, options.onProgress);
    throwIfAborted(options.signal);
    ctx.plan(limeCalls(batching, n, settings));
    if (sizeOf(shape) !== t * e) throw new ShapeError('unexpected input size');
    return runLime(this.id, ctx, x, target, batching, settings, (i) => textExample(x, i, t, e, groups[i]!, mask));
  }
}
