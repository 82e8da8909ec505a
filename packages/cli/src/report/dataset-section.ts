/**
 * Report section "Dataset" (`glasswing report --dataset-results results.jsonl`): the summary of an
 * explain-dataset run — how many records, the method's completeness δ, global importance (mean
 * |φ| per feature, overall and per explained class) as a table, and the pictures of
 * `glasswing dataset-summary`: the beeswarm and the top dependence plot for 1-D inputs, the
 * per-class average attribution maps for images. Errors become a warning note.
 */
import { basename } from 'node:path';
import { formatNumber } from '@glasswing/viz';
import { readOutputJob } from '../dataset/output.js';
import { buildSummary } from '../dataset/summary.js';
import { escapeHtml, figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

export interface DatasetReportSpec {
  /** The explain-dataset results file (absolute). */
  readonly datasetResults?: string;
  readonly featureNames?: readonly string[];
  readonly info: { readonly inputKind: string };
}

const MAX_ROWS = 12;

export async function datasetSection(spec: DatasetReportSpec, layout: 'NHWC' | 'NCHW'): Promise<Section | undefined> {
  if (spec.datasetResults === undefined) return undefined;
  try {
    const recorded = readOutputJob(spec.datasetResults);
    const built = await buildSummary(spec.datasetResults, { ...(recorded ? { job: recorded.job } : {}), layout });
    const { summary, order } = built;
    const names = spec.featureNames ?? built.featureNames;
    const classes = Object.keys(summary.byClass);
    const parts: string[] = [];
    const what = recorded ? `${recorded.job.method} on ${basename(recorded.job.data)}` : basename(spec.datasetResults);
    const delta = summary.delta ? `; completeness |δ|: mean ${formatNumber(summary.delta.meanAbs)}, max ${formatNumber(summary.delta.maxAbs)} over ${summary.delta.count} records` : '';
    parts.push(note(`${summary.rows} records (${what}), attributions of shape [${summary.shape.join(', ')}]${delta}.`));
    if (summary.shape.length === 1) {
      const header = ['feature', 'mean |φ|', ...classes.map((k) => `class ${k} (${summary.byClass[k]!.count})`)];
      const rows = order.slice(0, MAX_ROWS).map((j) => [names[j] ?? `x${j}`, formatNumber(summary.meanAbs[j]!), ...classes.map((k) => formatNumber(summary.byClass[k]!.meanAbs[j]!))]);
      parts.push('<h3>Global importance</h3>', htmlTable(header, rows, new Set(header.map((_, i) => i).slice(1))));
      if (order.length > MAX_ROWS) parts.push(note(`${order.length - MAX_ROWS} less important features not shown.`));
      const bee = built.files.find((f) => f.name === 'beeswarm.svg');
      const dep = built.files.find((f) => f.name.startsWith('dependence-'));
      if (bee) parts.push(figure(String(bee.data), `Beeswarm of ${summary.sample.length} sampled records: one dot per record, at its attribution, coloured by the feature's value.`));
      if (dep) parts.push(figure(String(dep.data), `Dependence plot of the most important feature (${escapeHtml(names[order[0]!] ?? '')}).`));
    } else {
      const png = built.files.find((f) => f.name === 'class-average.png');
      if (png) parts.push(figure(pngImg(png.data as Uint8Array, 'per-class average attribution maps'), 'Mean attribution map per explained class (signed; red positive, blue negative) and the overall mean |attribution|.'));
    }
    return section('dataset', 'Dataset', parts.join('\n'));
  } catch (err) {
    return section('dataset', 'Dataset', note(`The dataset summary failed: ${err instanceof Error ? err.message : String(err)}`, 'warn'));
  }
}
