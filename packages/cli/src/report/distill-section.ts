/**
 * Report section "Distillation" (tabular / 1-D models, ≥ 10 dataset rows): a small MLP student
 * (one hidden layer of 16 ReLU units, 15 epochs, temperature 2, seed = --seed) trained with
 * @glasswing/tfjs on the model's soft labels over the report's dataset (its --data, else its
 * inputs), a quarter held out for fidelity. Kept cheap on purpose: it shows how far a much
 * smaller network follows the model, not the best student ('glasswing distill' tunes that). A
 * single-output model is distilled as regression (R²). Shown as the summary picture and a table
 * (fidelity, parameters and size ratio, time per example and speedup). The student is built on the
 * report's adapter, so both are timed alike. Errors become a warning note.
 */
import type { Model, Tensor } from '@glasswing/core';
import { distill, importLayersModel } from '@glasswing/tfjs';
import { distillChartPng, formatNumber } from '@glasswing/viz';
import { distillPicture } from '../commands/distill.js';
import { createModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** What this section reads of the report's spec (build.ts passes its ReportSpec). */
export interface DistillReportSpec {
  readonly info: { readonly inputKind: string; readonly outputShape: readonly number[] };
  /** The report's adapter: the student is built on it too, so the two are timed alike. */
  readonly opened: { readonly adapter: AdapterId };
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly seed?: number;
}

const MIN_ROWS = 10;
const HIDDEN = [16];
const EPOCHS = 15;

/** The section, or undefined for models whose input is not one feature row. */
export async function distillSection(spec: DistillReportSpec, model: Model): Promise<Section | undefined> {
  if (spec.info.inputKind !== 'tabular') return undefined;
  const n = spec.data.shape[0]!;
  if (n < MIN_ROWS) return section('distillation', 'Distillation', note(`Distillation needs at least ${MIN_ROWS} dataset rows; the report has ${n} (give more with --data).`, 'warn'));
  const outputs = spec.info.outputShape.reduce((a, b) => a * b, 1);
  const task = outputs === 1 ? 'regression' : 'classification';
  try {
    const res = await distill(model, spec.data, {
      task,
      student: { kind: 'mlp', hidden: HIDDEN },
      epochs: EPOCHS,
      temperature: 2,
      holdout: 0.25,
      seed: spec.seed ?? 0,
      loadStudent: async (_artifacts, layers) => createModel(importLayersModel(layers), spec.opened.adapter),
    });
    const r = res.report;
    const fid = r.fidelity.holdout ?? r.fidelity.train;
    const fidText = r.fidelity.metric === 'agreement' ? `${(100 * fid).toFixed(1)}%` : formatNumber(fid, 3);
    const rows: string[][] = [
      [`fidelity (${r.fidelity.metric === 'agreement' ? 'top-class agreement' : 'R²'}, ${r.holdoutRows} held-out rows)`, fidText],
      ['student architecture', r.architecture.join(', ')],
      ['parameters: student / teacher', `${r.size.studentParameters} / ${r.size.teacherParameters ?? 'unknown'}`],
      ['size ratio (student / teacher)', r.size.ratio === null ? '–' : `${formatNumber(r.size.ratio, 3)}×`],
      ['ms per example: teacher / student', r.speed ? `${formatNumber(r.speed.teacherMsPerExample, 3)} (${r.speed.teacherBackend}) / ${formatNumber(r.speed.studentMsPerExample, 3)} (${r.speed.studentBackend})` : '–'],
      ['speedup (teacher / student time)', r.speed ? `${formatNumber(r.speed.speedup, 3)}×` : '–'],
    ];
    const picture = distillPicture({ ...r, student: 'mlp' }, 'Distillation: the model vs a small MLP student');
    const parts = [
      note(
        `A small MLP student (hidden ${HIDDEN.join(', ')}, ${EPOCHS} epochs, temperature 2, seed ${r.seed}) trained on the model's ` +
          `${task === 'classification' ? 'soft labels (softmax of its outputs / T)' : 'outputs'} over ${spec.dataLabel}: ${r.trainRows} rows trained on, ${r.holdoutRows} held out. ` +
          `Fidelity on the held-out rows: ${fidText}. The report has no labels, so accuracy is not shown. ` +
          "Reproduce or tune with 'glasswing distill --hidden 16 --epochs 15 --holdout 0.25' (and --labels for accuracy).",
      ),
      figure(pngImg(distillChartPng(picture), 'distillation summary'), 'Teacher (grey) vs student (blue): fidelity, parameters, time per example; the training loss per epoch.'),
      htmlTable(['measure', 'value'], rows, new Set([1])),
    ];
    return section('distillation', 'Distillation', parts.join('\n'));
  } catch (err) {
    return section('distillation', 'Distillation', note(`No distillation: ${err instanceof Error ? err.message : String(err)}`, 'warn'));
  }
}
