/**
 * Report section "Counterfactuals" (tabular models only): for the first example of the report,
 * the smallest change that flips its prediction — Wachter et al. when the model has gradients,
 * else Growing Spheres — and a DiCE-style diverse set of 3, with the report's dataset as the MAD
 * reference (L1 scaled by each feature's median absolute deviation). Desired outcome: the other
 * class (two outputs), the runner-up class (more), or the other side of 0.5 (one output).
 * Before / after bars per changed feature and a table of the changes.
 */
import { argmaxRows, sizeOf } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { counterfactualChartPng, formatNumber } from '@glasswing/viz';
import { chartInput, runMethod, type CounterfactualMethod } from '../commands/counterfactual.js';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** What this section reads of the report's spec (build.ts passes its ReportSpec). */
export interface CounterfactualReportSpec {
  readonly info: { readonly inputKind: string; readonly inputShape: readonly number[]; readonly outputShape: readonly number[] };
  readonly x: Tensor;
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly seed?: number;
  readonly featureNames?: readonly string[];
}

function runnerUp(out: Float32Array): number {
  const order = Array.from(out.keys()).sort((a, b) => out[b]! - out[a]!);
  return order[1]!;
}

/** The section, or undefined for non-tabular models. Errors become a warning note, never a failed report. */
export async function counterfactualSection(spec: CounterfactualReportSpec, model: Model): Promise<Section | undefined> {
  if (spec.info.inputKind !== 'tabular') return undefined;
  const d = sizeOf(spec.info.inputShape);
  const names = spec.featureNames && spec.featureNames.length === d ? [...spec.featureNames] : Array.from({ length: d }, (_, j) => `f${j}`);
  const x: Tensor = { shape: [1, ...spec.info.inputShape], data: spec.x.data.slice(0, d) };
  const method: CounterfactualMethod = model.capabilities.gradients ? 'wachter' : 'growing-spheres';
  try {
    const out = (await model.forward(x)).data;
    const k = out.length;
    const desired = k > 2 ? { desired: runnerUp(out) } : {};
    const base = { data: spec.data, featureNames: names, seed: spec.seed ?? 0, ...desired };
    const main = await runMethod(model, method, x, base);
    const dice = await runMethod(model, 'dice', x, { ...base, count: 3 });
    const parts = [
      note(
        `Example 0 (predicted ${k === 1 ? formatNumber(out[0]!) : `class ${argmaxRows({ shape: [1, k], data: out })[0]}`}): the smallest change that gives ` +
          `${main.desired.class !== undefined ? `class ${main.desired.class}` : `an output ${main.desired.side} ${main.desired.threshold}`}, ` +
          `distance L1 scaled by each feature's median absolute deviation over ${spec.dataLabel}. ` +
          `${method === 'wachter' ? 'Wachter et al. (gradient search)' : 'Growing Spheres (forward only: the model has no gradients)'}, then a diverse set of 3 (DiCE-style genetic search). ` +
          "No constraints are applied here; use 'glasswing counterfactual' for immutable features, ranges and categorical groups.",
      ),
    ];
    for (const [label, res] of [[method, main], ['dice', dice]] as const) {
      if (res.status !== 'found') {
        parts.push(note(`${label}: ${res.message}`, 'warn'));
        continue;
      }
      const chart = chartInput(res, `Counterfactual (${label})`);
      parts.push(figure(pngImg(counterfactualChartPng(chart), `counterfactual ${label}`), `${label}: before (grey) and after per changed feature`));
      const rows = res.counterfactuals.flatMap((c, i) =>
        c.changes.map((ch) => [`#${i + 1}`, ch.name, formatNumber(ch.before), formatNumber(ch.after), String(c.predicted), formatNumber(c.distances.l1Mad)]),
      );
      parts.push(htmlTable(['counterfactual', 'feature', 'before', 'after', 'predicted', 'L1 / MAD'], rows, new Set([2, 3, 4, 5])));
    }
    return section('counterfactuals', 'Counterfactuals', parts.join('\n'));
  } catch (err) {
    return section('counterfactuals', 'Counterfactuals', note(`No counterfactual: ${err instanceof Error ? err.message : String(err)}`, 'warn'));
  }
}
