/**
 * Report section "Explanation quality": the report's own methods (and the control rows) scored by
 * the CHEAP explanation-quality metrics — those that need neither re-explaining (robustness),
 * rebuilt models (randomisation) nor ground-truth masks (localisation) — on at most
 * MAX_EXAMPLES of the report's examples, with each metric's defaults and the report's seed: the
 * metric × method heat table and, where a metric gives curves (deletion / insertion), the mean
 * curve per method. `glasswing evaluate` runs the whole grid.
 */
import { METRICS, evaluateExplanations, sliceBatch } from '@glasswing/core';
import type { Layout, Model, Tensor } from '@glasswing/core';
import { hasMetricCurves, metricCurvesPng, metricHeatTablePng } from '@glasswing/viz';
import { dropUnscoredMetrics, evaluateRows, naNotes } from '../evaluate-grid.js';
import type { ResolvedIO } from '../io.js';
import { progressBar, progressEnabled } from '../progress.js';
import { figure, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

export const MAX_EXAMPLES = 4;

/** What this section reads of the report's spec (build.ts passes its ReportSpec). */
export interface MetricsReportSpec {
  readonly info: { readonly inputKind: string; readonly layout?: Layout };
  readonly x: Tensor;
  readonly methods: readonly string[];
  readonly convLayer?: string;
  readonly target?: number | number[];
  readonly seed?: number;
}

/** The cheap metrics: no `explain`, `rebuild` or `masks` need. */
export function cheapMetrics(): string[] {
  return Object.values(METRICS)
    .filter((m) => !m.needs.explain && !m.needs.rebuild && !m.needs.masks)
    .map((m) => m.id);
}

/** The section, or undefined when the report runs no method or no cheap metric is registered. */
export async function metricsSection(spec: MetricsReportSpec, model: Model, io?: ResolvedIO): Promise<Section | undefined> {
  const metrics = cheapMetrics();
  if (spec.methods.length === 0 || metrics.length === 0) return undefined;
  const n = Math.min(MAX_EXAMPLES, spec.x.shape[0]!);
  const x = n < spec.x.shape[0]! ? sliceBatch(spec.x, 0, n) : spec.x;
  const target = Array.isArray(spec.target) ? spec.target.slice(0, n) : spec.target;
  const rows = evaluateRows(spec.methods, {
    inputShape: model.inputShape,
    ...(spec.info.layout ? { layout: spec.info.layout } : {}),
    ...(spec.convLayer !== undefined ? { convLayer: spec.convLayer } : {}),
    controls: true,
  });
  const bar = io ? progressBar('report: explanation quality', io) : undefined;
  const started = Date.now();
  const signal = io?.interruption?.signal;
  const { result } = dropUnscoredMetrics(await evaluateExplanations(
    { model, x, methods: rows, metricIds: metrics, ...(target !== undefined ? { target } : {}) },
    { seed: spec.seed ?? 0, ...(signal ? { signal } : {}), onProgress: (p) => bar?.update(Math.floor(p.done / 1000), Math.ceil(p.total / 1000)) },
  ).finally(() => bar?.stop()));
  // The summary goes where the bar went (a terminal, or --progress); piped runs keep stderr as it was.
  if (io && progressEnabled(io)) bar?.finish(`report: explanation quality, ${rows.length} rows × ${metrics.length} metrics in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const parts = [
    note(
      `The report's methods and the model-blind controls scored on ${n} example(s) by the cheap metrics (${result.metrics.map((m) => m.id).join(', ')}), ` +
        `each with its defaults; a cell shows the mean score and the method's rank for that metric (1 = best). Robustness, ` +
        `randomisation and localisation metrics are left out here: run 'glasswing evaluate --model <file> --input <file>' ` +
        `(with --masks where the decisive features are known) for the whole grid.`,
    ),
    figure(pngImg(metricHeatTablePng(result, { title: 'Explanation quality' }), 'metric by method heat table'), 'Metric × method: colour = rank within the metric (green best, red worst, grey n/a).'),
  ];
  if (hasMetricCurves(result)) {
    parts.push(figure(pngImg(metricCurvesPng(result, { title: 'Mean curves per method' }), 'mean metric curves'), 'Mean curve per method (controls dashed).'));
  }
  const na = naNotes(result);
  if (na.length > 0) parts.push(note(na.join('; '), 'warn'));
  return section('explanation-quality', 'Explanation quality', parts.join('\n'));
}
