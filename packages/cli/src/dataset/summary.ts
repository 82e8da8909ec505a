/**
 * The files `explain-dataset` (or `dataset-summary`) writes next to the results:
 *   <dir>/summary.json         global importance (mean |φ| per feature, overall and per class),
 *                              completeness δ statistics, the record sample's size
 *   <dir>/beeswarm.svg         1-D inputs: SHAP-style beeswarm of the sampled records, dots
 *                              coloured by feature value (when the data can be read)
 *   <dir>/dependence-<f>.svg   1-D inputs: dependence plots of the 3 most important features
 *   <dir>/class-average.png/.svg  image inputs: per-class average attribution maps (signed mean
 *                              φ), one panel per explained class, plus the overall mean |φ|
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@glasswing/core';
import { beeswarmSvg, dependencePlotSvg, encodeRasterPng, imageAttrGrid, imageAttrGridSvg } from '@glasswing/viz';
import type { GridPanel } from '@glasswing/viz';
import { summarizeResults } from './aggregate.js';
import type { DatasetSummary } from './aggregate.js';
import type { DatasetJob } from './types.js';
import { openReader } from './readers/index.js';

/** The summary's files, built in memory (the report embeds them; writeSummary writes them). */
export interface SummaryContent {
  readonly summary: DatasetSummary;
  readonly featureNames: string[];
  /** Features by mean |φ|, most important first. */
  readonly order: number[];
  readonly files: { readonly name: string; readonly data: string | Uint8Array }[];
}

export interface SummaryFiles {
  readonly summary: DatasetSummary;
  readonly files: string[];
  readonly featureNames: string[];
}

export interface SummaryOptions {
  /** The job that produced the results (its data gives feature values and names). */
  readonly job?: DatasetJob;
  /** Image layout of the attributions ('NHWC' / 'NCHW'); default NHWC for rank-3 shapes. */
  readonly layout?: 'NHWC' | 'NCHW';
  readonly classNames?: readonly string[];
}

/** Feature values of the sampled rows (tabular data only), and the data's column names. */
async function sampleValues(job: DatasetJob | undefined, rows: readonly number[], width: number): Promise<{ values?: number[][]; names?: string[] }> {
  if (!job || job.format === 'images') return {};
  try {
    const reader = await openReader(job.data, job.format);
    try {
      if (reader.rowShape.reduce((a, b) => a * b, 1) !== width) return {};
      const values: number[][] = [];
      for (const r of rows) values.push(Array.from((await reader.read(r, r + 1)).data));
      return { values, ...(reader.columns ? { names: [...reader.columns] } : {}) };
    } finally {
      await reader.close();
    }
  } catch {
    return {}; // the data moved or changed: plots without feature values
  }
}

const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'feature';

export async function buildSummary(results: string, options: SummaryOptions = {}): Promise<SummaryContent> {
  const summary = await summarizeResults(results, { ...(options.job?.seed !== undefined ? { seed: options.job.seed } : {}) });
  const files: { name: string; data: string | Uint8Array }[] = [];
  const write = (name: string, data: string | Uint8Array) => void files.push({ name, data });
  const size = summary.meanAbs.length;
  const tabular = summary.shape.length === 1;
  const { values, names } = tabular ? await sampleValues(options.job, summary.sample.map((s) => s.row), size) : {};
  const featureNames = names ?? Array.from({ length: size }, (_, j) => `x${j}`);
  const order = summary.meanAbs.map((_, j) => j).sort((a, b) => summary.meanAbs[b]! - summary.meanAbs[a]! || a - b);
  const json = {
    rows: summary.rows,
    shape: summary.shape,
    ...(tabular
      ? { importance: order.map((j) => ({ feature: j, name: featureNames[j], meanAbs: summary.meanAbs[j] })) }
      : { meanAbs: summary.meanAbs }),
    byClass: Object.fromEntries(
      Object.entries(summary.byClass).map(([k, c]) => [k, { count: c.count, meanAbs: c.meanAbs, ...(tabular ? {} : { mean: c.mean }) }]),
    ),
    ...(summary.delta ? { delta: summary.delta } : {}),
    sampled: summary.sample.length,
  };
  write('summary.json', JSON.stringify(json, null, 1) + '\n');
  if (tabular) {
    const attributions = summary.sample.map((s) => s.attributions);
    const common = { featureNames, ...(values ? { featureValues: values } : {}) };
    write('beeswarm.svg', beeswarmSvg(attributions, { ...common, title: `${summary.rows} records (${attributions.length} drawn)` }));
    for (const j of order.slice(0, Math.min(3, size))) {
      write(`dependence-${safe(featureNames[j]!)}.svg`, dependencePlotSvg(attributions, j, { ...common, ...(values ? {} : { colorBy: 'none' }) }));
    }
  } else {
    const layout = options.layout ?? 'NHWC';
    const panels: GridPanel[] = Object.entries(summary.byClass).map(([k, c]) => ({
      title: `${options.classNames?.[Number(k)] ?? `class ${k}`} (${c.count})`,
      attribution: { shape: summary.shape, data: Float32Array.from(c.mean) } as Tensor,
      method: 'heat_map',
      sign: 'all',
    }));
    panels.push({ title: 'all: mean |attribution|', attribution: { shape: summary.shape, data: Float32Array.from(summary.meanAbs) }, method: 'heat_map', sign: 'positive' });
    const grid = { layout, columns: Math.min(panels.length, 4), title: `Average attribution per class, ${summary.rows} records` };
    write('class-average.png', encodeRasterPng(imageAttrGrid(panels, grid)));
    write('class-average.svg', imageAttrGridSvg(panels, grid));
  }
  return { summary, featureNames, order, files };
}

export async function writeSummary(results: string, dir: string, options: SummaryOptions = {}): Promise<SummaryFiles> {
  const built = await buildSummary(results, options);
  mkdirSync(dir, { recursive: true });
  const files = built.files.map((f) => {
    writeFileSync(join(dir, f.name), f.data);
    return join(dir, f.name);
  });
  return { summary: built.summary, files, featureNames: built.featureNames };
}
