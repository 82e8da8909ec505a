/**
 * The report's tabular-attribution pictures, per example: each method's bar chart (sorted by
 * |attribution|, with feature names and values), and for the methods whose attributions add up
 * to f(x) − f(baseline) (integrated gradients, GradientSHAP, KernelSHAP, Shapley values) SHAP's
 * waterfall and force plot from the baseline output to this example's output (a "residual" row
 * shows what the attributions leave unexplained). Inputs of other ranks are shown flattened.
 */
import { barChartSvg, beeswarmSvg, forcePlotSvg, waterfallSvg } from '@glasswing/viz';
import type { Tensor } from '@glasswing/core';
import { escapeHtml, figure, note } from './html.js';
import type { MethodRun } from './methods.js';

/** Methods whose attributions sum (exactly or in expectation) to f(x) − f(baseline). */
export const ADDITIVE_METHODS: ReadonlySet<string> = new Set([
  'integrated-gradients',
  'gradient-shap',
  'kernel-shap',
  'shapley-values',
  'shapley-value-sampling',
]);

export interface TabularViewInput {
  readonly x: Tensor;
  readonly outputs: Tensor;
  /** Model outputs at the all-zeros baseline, [1, ...outputShape] (the waterfall's E[f(x)]). */
  readonly baselineOutputs?: Tensor;
  readonly runs: readonly MethodRun[];
  readonly labels: readonly string[];
  readonly featureNames?: readonly string[];
}

function row(t: Tensor, i: number): Float32Array {
  const n = t.shape[0]!;
  const k = t.data.length / n;
  return t.data.subarray(i * k, (i + 1) * k);
}

export function tabularAttributionViews(input: TabularViewInput): string {
  const { x, outputs, runs, labels, featureNames, baselineOutputs } = input;
  const n = x.shape[0]!;
  const parts: string[] = [
    note(
      'Bar charts: each feature\'s attribution (orange-red raises the explained output, blue lowers it), largest |attribution| first, ' +
        'with the feature\'s input value. Waterfall and force plots (additive methods only) go from the output at the ' +
        'all-zeros baseline, E[f(x)], to this example\'s output f(x); a grey "residual" is what the attributions do not explain.',
    ),
  ];
  const flat = (t: Tensor): Tensor => ({ shape: [t.shape[0]!, t.data.length / t.shape[0]!], data: t.data });
  const features = x.data.length / n;
  if (n >= 2) {
    const swarm = runs
      .filter((r) => r.result.attributions.data.length === x.data.length)
      .map((r) =>
        figure(
          beeswarmSvg(flat(r.result.attributions), {
            featureValues: flat(x),
            ...(featureNames && featureNames.length === features ? { featureNames } : {}),
            title: `${r.id}: all ${n} examples`,
          }),
          `${r.title}: one dot per example and feature (x = attribution, colour = the feature's value, low to high); features by mean |attribution|`,
        ),
      );
    parts.push('<h3>Summary over the examples</h3>', `<div class="figs">${swarm.join('\n')}</div>`);
  }
  for (let i = 0; i < n; i++) {
    const label = labels[i] ?? `example ${i}`;
    const values = row(x, i);
    const names = featureNames && featureNames.length === values.length ? featureNames : undefined;
    const common = { featureValues: Array.from(values), ...(names ? { featureNames: names } : {}) };
    parts.push(`<h3>${escapeHtml(label)}</h3>`);
    const figs: string[] = [];
    for (const r of runs) {
      const attr = row(r.result.attributions, i);
      if (attr.length !== values.length) {
        figs.push(note(`${r.id}: ${attr.length} attributions for ${values.length} input values; not drawn`, 'warn'));
        continue;
      }
      figs.push(figure(barChartSvg(attr, { ...common, title: r.id }), `${r.title}: attribution per feature (${label})`));
    }
    parts.push(`<div class="figs">${figs.join('\n')}</div>`);

    const additive = runs.filter((r) => ADDITIVE_METHODS.has(r.id) && row(r.result.attributions, i).length === values.length);
    const more: string[] = [];
    for (const r of additive) {
      const target = r.result.targets[i]!;
      const output = row(outputs, i)[target];
      const expected = (r.result as unknown as { expectedValue?: Float32Array }).expectedValue;
      const base = expected instanceof Float32Array && expected.length === n ? expected[i] : baselineOutputs ? row(baselineOutputs, 0)[target] : undefined;
      if (output === undefined || base === undefined) continue;
      const attr = Array.from(row(r.result.attributions, i));
      const w = { ...common, values: attr, baseValue: base, output };
      more.push(figure(waterfallSvg({ ...w, title: `${r.id}: waterfall` }), `${r.title}: from E[f(x)] to f(x) for class ${target} (${label})`));
      more.push(figure(forcePlotSvg({ ...w, title: `${r.id}: force plot` }), `${r.title}: features pushing class ${target} up or down (${label})`));
    }
    if (more.length > 0) parts.push(`<div class="figs">${more.join('\n')}</div>`);
  }
  return parts.join('\n');
}
