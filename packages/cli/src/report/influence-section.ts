/**
 * Report section "Influence": TracIn (last-layer gradients, the final model as the one
 * checkpoint) with the report's data (its --data, else its inputs) as the training set:
 * the proponents and opponents of example 0, and the examples of highest self-influence.
 * The report has no labels, so the model's own predictions stand in for them: self-influence
 * then marks the examples the model is least sure of (with real labels, 'glasswing influence
 * --method self --train-labels' marks likely mislabels). Models without layer taps or without
 * a final dense layer get a note.
 */
import { TracIn, argmaxRows, sizeOf } from '@glasswing/core';
import type { InfluenceEntry, Model, Tensor } from '@glasswing/core';
import { formatNumber, influenceGalleryPng } from '@glasswing/viz';
import type { ImageLayout } from '@glasswing/viz';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** What this section reads of the report's spec (build.ts passes its ReportSpec). */
export interface InfluenceReportSpec {
  readonly info: { readonly inputKind: string; readonly inputShape: readonly number[]; readonly layout?: string };
  readonly x: Tensor;
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly featureNames?: readonly string[];
}

const K = 5;

/** The section, or undefined when the input is neither an image nor a feature row. Errors become a warning note. */
export async function influenceSection(spec: InfluenceReportSpec, model: Model): Promise<Section | undefined> {
  const rank = spec.info.inputShape.length;
  if (rank !== 1 && rank !== 3) return undefined;
  try {
    if (!model.capabilities.layers) return section('influence', 'Influence', note('No influence: the model cannot tap layers (TracIn reads the activations feeding its last dense layer).', 'warn'));
    const per = sizeOf(spec.info.inputShape);
    const data = spec.data;
    const labels = argmaxRows(await model.forward(data));
    const x0: Tensor = { shape: [1, ...spec.info.inputShape], data: spec.x.data.slice(0, per) };
    const tracin = new TracIn(model);
    const res = await tracin.influence(data, labels, x0, { k: K });
    const self = await tracin.selfInfluence(data, labels, { k: K });
    const t0 = res.tests[0]!;
    const row = (i: number): Tensor => ({ shape: [...spec.info.inputShape], data: data.data.slice(i * per, (i + 1) * per) });
    const item = (e: InfluenceEntry) => ({ index: e.index, score: e.score, label: `class ${labels[e.index]}`, input: row(e.index) });
    const base = {
      ...(rank === 1 && spec.featureNames?.length === per ? { featureNames: spec.featureNames } : {}),
      ...(spec.info.layout === 'NCHW' || spec.info.layout === 'NHWC' ? { layout: spec.info.layout as ImageLayout } : {}),
    };
    const gallery = influenceGalleryPng({
      ...base,
      title: `TracIn: proponents and opponents of example 0 (layer ${res.layer})`,
      test: { input: { shape: [...spec.info.inputShape], data: x0.data }, label: `predicted class ${t0.predicted}` },
      groups: [{ title: 'proponents', items: t0.proponents.map(item) }, { title: 'opponents', items: t0.opponents.map(item) }],
    });
    const parts = [
      note(
        `TracIn (Pruthi et al. 2020) with last-layer gradients of the final model: score = (⟨a, a'⟩ + 1)·⟨p − y, p' − y'⟩ with a the activations of ${res.layer} ` +
          `(the input of the last dense layer). Training set: ${spec.dataLabel}, labelled by the model's own predictions (the report has no labels). ` +
          "Use 'glasswing influence' with --train-labels and --checkpoint for real labels and checkpoints.",
      ),
      figure(pngImg(gallery, 'influence gallery'), 'proponents (largest positive scores) and opponents (most negative) of example 0'),
      htmlTable(['rank', 'example', 'class', 'self-influence'], self.top.map((e, r) => [String(r + 1), String(e.index), String(labels[e.index]), formatNumber(e.score)]), new Set([0, 1, 2, 3])),
      note('Highest self-influence ‖∇ℓ‖²: the examples the model is least sure of (with true labels instead of predictions: likely mislabels).'),
    ];
    return section('influence', 'Influence', parts.join('\n'));
  } catch (err) {
    return section('influence', 'Influence', note(`No influence: ${err instanceof Error ? err.message : String(err)}`, 'warn'));
  }
}
