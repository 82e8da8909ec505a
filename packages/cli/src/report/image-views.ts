/**
 * The report's image-attribution pictures: per example a grid of all methods side by side
 * (blended heat maps over the input, Captum style), and per method a row of heat maps over the
 * examples. Every picture carries its colour bar.
 */
import { encodeRasterPng, imageAttrGridSvg, visualizeImageAttr } from '@glasswing/viz';
import type { AttrSign, GridOptions, GridPanel, ImageAttrPicture } from '@glasswing/viz';
import type { Layout, Tensor } from '@glasswing/core';
import { escapeHtml, figure, note, pngImg } from './html.js';
import type { MethodRun } from './methods.js';

/** One example of a batch, without the batch dimension. */
export function example(t: Tensor, i: number): Tensor {
  const per = t.shape.slice(1);
  const size = per.reduce((a, b) => a * b, 1);
  return { shape: per, data: t.data.subarray(i * size, (i + 1) * size) };
}

/** Signed maps are drawn with the diverging map (sign all); non-negative ones as |attribution|. */
export function signFor(attr: Tensor): AttrSign {
  for (const v of attr.data) if (v < 0) return 'all';
  return 'absolute_value';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Long side of the per-method pictures (heat map, masked input), in pixels at least. */
export const METHOD_PICTURE_MIN_SIZE = 120;

/** One example's per-method pictures: the heat map and the input masked by the attribution. */
export function methodPictures(attribution: Tensor, image: Tensor, layout: Layout): { sign: AttrSign; heat: ImageAttrPicture; masked: ImageAttrPicture } {
  const sign = signFor(attribution);
  const heat = visualizeImageAttr(attribution, { method: 'heat_map', sign, layout, minSize: METHOD_PICTURE_MIN_SIZE });
  const masked = visualizeImageAttr(attribution, {
    method: 'masked_image',
    sign: sign === 'all' ? 'positive' : sign,
    layout,
    image,
    minSize: METHOD_PICTURE_MIN_SIZE,
  });
  return { sign, heat, masked };
}

/** The panels and options of one example's grid: the input, then every method blended over it. */
export function exampleGrid(
  image: Tensor,
  methods: readonly { readonly id: string; readonly attribution: Tensor }[],
  layout: Layout,
  title: string,
): { panels: GridPanel[]; options: GridOptions } {
  const panels: GridPanel[] = [{ title: 'input', method: 'original_image' }];
  for (const m of methods) panels.push({ title: m.id, attribution: m.attribution, method: 'blended_heat_map', sign: signFor(m.attribution) });
  return { panels, options: { image, layout, columns: panels.length, title } };
}

export interface ImageViewInput {
  readonly x: Tensor;
  readonly runs: readonly MethodRun[];
  readonly layout?: Layout;
  /** Heading text per example (e.g. "example 0 · target 2 (predicted 2)"). */
  readonly labels: readonly string[];
}

export function imageAttributionViews(input: ImageViewInput): string {
  const { x, runs, layout, labels } = input;
  const n = x.shape[0]!;
  const usable = runs.filter((r) => sameShape(r.result.attributions.shape, x.shape));
  const parts: string[] = [];
  for (const r of runs) {
    if (!usable.includes(r)) {
      parts.push(note(`${r.id}: attributions of shape [${r.result.attributions.shape.join(', ')}] do not match the input; not drawn`, 'warn'));
    }
  }
  if (usable.length === 0) return parts.join('\n');
  const viewLayout = layout ?? 'NHWC';

  parts.push('<h3>Methods side by side</h3>');
  parts.push(
    note(
      'Each row: the input, then each method as a blended heat map over a grayscale copy of the input. ' +
        'Signed methods use the diverging map (blue negative, white zero, orange-red positive); ' +
        'non-negative ones the sequential map of |attribution|. Scales clip the top 2% (Captum outlier percentile).',
    ),
  );
  const grids: string[] = [];
  for (let i = 0; i < n; i++) {
    const methods = usable.map((r) => ({ id: r.id, attribution: example(r.result.attributions, i) }));
    const { panels, options } = exampleGrid(example(x, i), methods, viewLayout, labels[i] ?? `example ${i}`);
    const svg = imageAttrGridSvg(panels, options);
    grids.push(figure(svg, `${labels[i] ?? `example ${i}`}: input and ${usable.length} method(s)`, 'fig grid'));
  }
  parts.push(`<div class="figs">${grids.join('\n')}</div>`);

  for (const r of usable) {
    parts.push(`<h3 id="method-${escapeHtml(r.id)}">${escapeHtml(r.title)} <code>${escapeHtml(r.id)}</code></h3>`);
    parts.push(note(`${r.result.modelCalls} model calls, ${r.seconds.toFixed(1)} s.`));
    const figs: string[] = [];
    for (let i = 0; i < n; i++) {
      const { sign, heat, masked } = methodPictures(example(r.result.attributions, i), example(x, i), viewLayout);
      const img = (pic: ImageAttrPicture, what: string) =>
        pngImg(encodeRasterPng(pic.raster), `${r.id} ${what}, ${labels[i] ?? `example ${i}`}`, {
          'map-left': Math.floor((pic.raster.width - pic.mapWidth) / 2),
          'map-top': pic.mapTop,
          'map-height': pic.mapHeight,
          'map-width': pic.mapWidth,
        });
      figs.push(
        figure(
          img(heat, 'heat map') + img(masked, 'masked image'),
          `${labels[i] ?? `example ${i}`}: heat map (sign ${sign === 'all' ? 'all' : '|attribution|'}) and the input masked by the ${sign === 'all' ? 'positive ' : ''}attribution`,
        ),
      );
    }
    parts.push(`<div class="figs">${figs.join('\n')}</div>`);
  }
  return parts.join('\n');
}
