/**
 * The report's "Feature visualization" section (image models with gradients, layers, rules and an
 * IR graph): for the report's conv layer (the last tappable conv layer, or --layer), the channels
 * most active over the report's data are visualised (Fourier parametrization, lucent's standard
 * transforms scaled to the image, 128 steps (32 above 64×64×3 input values), seeded, inside the data's value range, a weak L2 pull
 * towards the data's mean), each next to
 * its top dataset examples from the same data with the receptive field boxed.
 */
import { FeatureVisualization, layerInfo, objectives, standardTransforms, topActivatingExamples } from '@glasswing/core';
import type { Layout, Model, Tensor } from '@glasswing/core';
import { exemplarGridPng, tileGridPng } from '@glasswing/viz';
import type { ResolvedIO } from '../io.js';
import { progressBar } from '../progress.js';
import { figure, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** Channels visualised, steps (fewer for inputs over 64×64×3 values), and dataset examples per channel. */
export const FV_CHANNELS = 4;
export const FV_STEPS = 128;
export const FV_STEPS_LARGE = 32;
export const FV_EXAMPLES = 4;

/** What the section needs of the report's spec (build.ts ReportSpec). */
export interface FeatureVisualizationSpec {
  readonly info: { readonly inputKind: string; readonly layout?: Layout };
  readonly convLayer?: string;
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly seed?: number;
}

export async function featureVisualizationSection(spec: FeatureVisualizationSpec, model: Model, io: ResolvedIO): Promise<Section | undefined> {
  const layer = spec.convLayer;
  const graph = model.graph;
  const caps = model.capabilities;
  if (spec.info.inputKind !== 'image' || layer === undefined || !graph || !caps.gradients || !caps.layers || !caps.rules) return undefined;
  const layout: Layout = spec.info.layout ?? 'NCHW';
  const info = layerInfo(model, graph, layer, 'report');
  if (info.shape.length !== 3) return undefined;
  const data = spec.data;
  // the most active channels over the data (maximum over positions, averaged over examples)
  const acts = (await model.activations(data, [info.name])).layers[info.name]!;
  const n = data.shape[0]!;
  const score = Array.from({ length: info.channels }, (_, c) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      let m = -Infinity;
      for (let p = 0; p < info.size / info.channels; p++) {
        const pos = info.layout === 'NHWC' ? p * info.channels + c : c * (info.size / info.channels) + p;
        m = Math.max(m, acts.data[i * info.size + pos]!);
      }
      s += m / n;
    }
    return s;
  });
  const channels = score.map((s, c) => [s, c] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, FV_CHANNELS).map(([, c]) => c).sort((a, b) => a - b);
  let lo = Infinity;
  let hi = -Infinity;
  let mean = 0;
  for (const v of data.data) [lo, hi, mean] = [Math.min(lo, v), Math.max(hi, v), mean + v / data.data.length];
  if (!(hi > lo)) [lo, hi] = [0, 1];
  const s = model.inputShape;
  const side = Math.max(...(layout === 'NHWC' ? [s[0]!, s[1]!] : [s[1]!, s[2]!]));
  const seed = spec.seed ?? 0;
  const steps = s.reduce((a, b) => a * b, 1) > 64 * 64 * 3 ? FV_STEPS_LARGE : FV_STEPS;
  const bar = progressBar('feature visualization', io);
  const fv = await new FeatureVisualization(model).visualize({
    objective: objectives.sum(...channels.map((c, i) => objectives.batch(i, objectives.channel(info.name, c)))),
    steps,
    seed,
    range: [lo, hi],
    transforms: standardTransforms(side),
    // a weak pull towards the data's mean value: 1 / (input elements) per squared difference
    penalties: [{ kind: 'l2', weight: 1 / s.reduce((a, b) => a * b, 1), center: mean }],
    layout,
    onProgress: (p) => bar.update(p.done, p.total + channels.length),
  });
  const exemplars = [];
  for (const [i, c] of channels.entries()) {
    exemplars.push(await topActivatingExamples(model, data, { layer: info.name, channel: c }, { k: Math.min(FV_EXAMPLES, n), keepInputs: true, layout }));
    bar.update(fv.modelCalls + i + 1, fv.modelCalls + channels.length);
  }
  bar.stop();
  const titles = channels.map((c) => `channel ${c}`);
  const grid = tileGridPng(fv.images, { titles, range: [lo, hi], layout, columns: channels.length, minTile: 120 });
  const rows = exemplars.flatMap((r) => r.examples);
  const per = s.reduce((a, b) => a * b, 1);
  const tiles: Tensor = { shape: [rows.length, ...s], data: new Float32Array(rows.length * per) };
  rows.forEach((e, i) => (tiles.data as Float32Array).set(e.input!.data, i * per));
  const exTitles = exemplars.flatMap((r) => r.examples.map((e) => `ch ${r.unit.channel}: ex ${e.index} (${e.value.toPrecision(3)})`));
  const exGrid = exemplarGridPng(tiles, { titles: exTitles, boxes: rows.map((e) => e.box), columns: Math.min(FV_EXAMPLES, n), layout, minTile: 120 });
  const body = [
    note(
      `What channels of layer ${info.name} respond to: inputs optimised to maximise each channel's mean activation (${steps} Adam steps, Fourier parametrization, ` +
        `random pad / jitter / scale / rotation, a weak L2 pull towards the data's mean, seed ${seed}, values inside the data's range [${lo.toPrecision(3)}, ${hi.toPrecision(3)}]), and the inputs of ${spec.dataLabel} ` +
        `that activate each channel most, the receptive field of the most active position boxed. The ${channels.length} channels shown are the most active over the data.`,
    ),
    figure(pngImg(grid, `feature visualization of ${info.name}`), `Feature visualization: layer ${info.name}, channels ${channels.join(', ')}`),
    figure(pngImg(exGrid, `dataset examples of ${info.name}`), `Dataset examples: one row per channel (${channels.join(", ")}), best first`),
  ];
  return section('feature-visualization', 'Feature visualization', body.join('\n'));
}
