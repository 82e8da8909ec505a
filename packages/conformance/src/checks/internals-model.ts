/**
 * Model-level internals checks (own graphs, built here), against independent truth rather than
 * the reference executor:
 * - `internals-fv-known-filter`: on a hand-built conv whose unit is one known 5×5×3 linear filter K
 *   (then a ReLU), maximising the centre unit minus Σx² inside (−1, 1) has the optimum x = K/2 on
 *   the unit's patch (|K/2| ≤ ½, inside the box): the visualization correlates ≥ 0.9 with K after
 *   40 Adam steps — pixel parametrization in NCHW, Fourier in NHWC.
 */
import { FeatureVisualization, objectives, type Capabilities, type Graph, type Layout, type Model } from '@glasswing/core';
import { GraphBuilder } from '../graph-builder.js';
import { ConformanceError } from '../numeric.js';
import { suiteRng } from '../rng.js';
import type { CheckOutcome, ResolvedTolerance } from './context.js';
import { withoutGraph } from './internals.js';

type CreateModel = (graph: Graph) => Promise<Model>;

/** A check on graphs of its own, run once per adapter; skipped unless the model declares `requires`. */
export interface ModelLevelCheck {
  readonly id: string;
  readonly title: string;
  readonly requires: Partial<Capabilities>;
  run(createModel: CreateModel, tolerance: ResolvedTolerance): Promise<CheckOutcome>;
}

export const FV_KNOWN_FILTER_TEST_ID = 'internals-fv-known-filter';

/** The known filter K [3, 5, 5] (channel, row, column), entries uniform in [−1, 1). */
export function knownFilter(): Float32Array {
  const rng = suiteRng(901);
  return Float32Array.from({ length: 75 }, () => 2 * rng.uniform() - 1);
}

/** x [3, 9, 9] (NCHW) or [9, 9, 3] (NHWC) → Conv (K, bias 0.1, no pad) → Relu 'unit' [5, 5] → Flatten → Gemm → 2. */
export function knownFilterGraph(layout: Layout, k = knownFilter()): Graph {
  const b = new GraphBuilder(suiteRng(902));
  const w = new Float32Array(75);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) w[layout === 'NCHW' ? (c * 5 + i) * 5 + j : (i * 5 + j) * 3 + c] = k[(c * 5 + i) * 5 + j]!;
  const conv = b.node('conv', 'Conv', [b.input, b.constant('w', layout === 'NCHW' ? [1, 3, 5, 5] : [5, 5, 3, 1], w), b.constant('b', [1], Float32Array.of(0.1))], { layout });
  const unit = b.node('unit', 'Relu', [conv]);
  const out = b.node('out', 'Gemm', [b.node('flat', 'Flatten', [unit], { axis: 1 }), b.weight('fc', [2, 25], 0.3)], { transB: 1 });
  return b.build(`conformance-known-filter-${layout.toLowerCase()}`, layout === 'NCHW' ? [3, 9, 9] : [9, 9, 3], out, { layout });
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) [ma, mb] = [ma + a[i]! / n, mb + b[i]! / n];
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const [da, db] = [a[i]! - ma, b[i]! - mb];
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}

export const fvKnownFilterCheck: ModelLevelCheck = {
  id: FV_KNOWN_FILTER_TEST_ID,
  title: 'feature visualization of a known linear filter correlates ≥ 0.9 with the filter (pixel NCHW, fft NHWC)',
  requires: { gradients: true, layers: true, rules: true },
  async run(createModel) {
    const k = knownFilter();
    for (const [layout, kind] of [['NCHW', 'pixel'], ['NHWC', 'fft']] as const) {
      const model = await createModel(knownFilterGraph(layout, k));
      try {
        const noGraph = withoutGraph(model, 'feature visualization');
        if (noGraph) return noGraph;
        const r = await new FeatureVisualization(model).visualize({
          objective: objectives.neuron('unit', 0, [2, 2]),
          steps: 40,
          lr: 0.2,
          seed: 1,
          range: [-1, 1],
          penalties: [{ kind: 'l2', weight: 1 }],
          param: { kind },
        });
        const patch = new Float32Array(75);
        for (let c = 0; c < 3; c++) for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
          patch[(c * 5 + i) * 5 + j] = r.images.data[layout === 'NCHW' ? (c * 9 + i + 2) * 9 + j + 2 : ((i + 2) * 9 + j + 2) * 3 + c]!;
        }
        const rho = pearson(patch, k);
        if (!(rho >= 0.9)) throw new ConformanceError(`${layout} ${kind}: the visualization correlates ${rho.toFixed(3)} with the known filter (want ≥ 0.9)`);
      } finally {
        await model.dispose();
      }
    }
  },
};

/** The model-level internals checks, by test id. */
export const INTERNALS_MODEL_CHECKS: readonly ModelLevelCheck[] = [fvKnownFilterCheck];
