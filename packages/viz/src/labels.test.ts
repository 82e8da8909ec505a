import { tensor } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { colorBarLayout, colorBarSvgLayout, drawColorBar } from './colorbar.js';
import type { ColorBarLayout, ColorBarSpec } from './colorbar.js';
import { imageAttrGridSvgLayout } from './grid.js';
import { visualizeImageAttr } from './image.js';
import type { AttrSign, ImageVizMethod } from './image.js';
import { bitmapFont, ellipsize, labelProblems, svgFont, wrapText } from './labels.js';
import type { LabelBox, Rect, TextFont } from './labels.js';
import { createRaster } from './raster.js';
import { inkProblems } from './test/label-checks.js';

/** A monospace font for hand-derived wrapping: every character 5 px wide. */
const MONO: TextFont = { kind: 'svg', size: 10, bold: false, height: 10, lineHeight: 12, baseline: 8, measure: (t) => [...t].length * 5 };

const LONG_CAPTIONS = [
  'attribution',
  '|attribution|',
  'kept: |attribution|',
  'attribution (signed)',
  'share of pixel kept vs |attribution|',
  'dense_1 (Dense)',
  'sequential/dense_1/MatMul (colour)',
  'activation of integrated-gradients baseline with a very long caption that needs several lines',
];
const RANGES: readonly [number, number][] = [
  [-0.0698, 0.0698],
  [0, 1],
  [-123456, 123456],
  [0, 1.234e-5],
  [-3.3, 3.3],
  [0, -0.75],
];

function specs(): ColorBarSpec[] {
  const out: ColorBarSpec[] = [];
  LONG_CAPTIONS.forEach((label, i) => {
    const [min, max] = RANGES[i % RANGES.length]!;
    out.push({ colormap: i % 2 ? 'diverging' : 'sequential', min, max, label });
  });
  out.push({ colormap: 'sequential', min: 0, max: 1, label: 'feature value', tickLabels: ['low', 'high'] });
  out.push({ colormap: 'sequential', min: 0, max: 1, label: 'each map scaled min–max', tickLabels: ['min', 'mid', 'max'] });
  out.push({ colormap: 'gray', min: 2, max: 2, label: 'constant' });
  return out;
}

/** Every check a colour-bar layout must pass: labels in their boxes, boxes in the bar's bounds. */
function barProblems(l: ColorBarLayout): string[] {
  const out = labelProblems(l.labels, l.bounds);
  const ticks = l.labels.filter((b) => b.role === 'tick');
  const along = l.orientation === 'horizontal' ? { lo: l.bar.x, hi: l.bar.x + l.bar.width } : { lo: l.bar.y, hi: l.bar.y + l.bar.height };
  for (const t of ticks) {
    const [a, b] = l.orientation === 'horizontal' ? [t.x, t.x + t.width] : [t.y, t.y + t.height];
    if (a < along.lo - 1e-6 || b > along.hi + 1e-6) out.push(`tick '${t.text}' leaves the bar's extent`);
  }
  return out;
}

describe('wrapping and ellipsis (hand-derived with a 5-px monospace font)', () => {
  it('keeps text that fits on one line', () => {
    expect(wrapText('attribution', 55, MONO)).toEqual({ lines: ['attribution'], truncated: false });
  });
  it('breaks at spaces, then after - _ /', () => {
    // 12 characters per line
    expect(wrapText('share of pixel kept vs |attribution|', 60, MONO, 4)).toEqual({
      lines: ['share of', 'pixel kept', 'vs', '|attributio…'],
      truncated: true,
    });
    expect(wrapText('integrated-gradients', 60, MONO).lines).toEqual(['integrated-', 'gradients']);
    expect(wrapText('dense_1 (Dense)', 40, MONO).lines).toEqual(['dense_1', '(Dense)']);
    expect(wrapText('a/b/c', 10, MONO).lines).toEqual(['a/', 'b/', 'c']);
  });
  it('puts the rest of a text that needs too many lines on the last line, cut', () => {
    expect(wrapText('share of pixel kept vs |attribution|', 60, MONO, 3)).toEqual({
      lines: ['share of', 'pixel kept', 'vs |attribu…'],
      truncated: true,
    });
  });
  it('cuts with an ellipsis only what cannot fit', () => {
    expect(ellipsize('attribution', 30, MONO)).toBe('attri…');
    expect(ellipsize('attribution', 55, MONO)).toBe('attribution');
    expect(ellipsize('attribution', 4, MONO)).toBe('');
  });
});

describe('colour bars: every label fits its box', () => {
  const lengths = [64, 65, 72, 80, 96, 100, 116, 120, 124, 128, 136, 160, 200, 220, 240, 252, 256, 300, 384, 512, 640, 768, 1024];
  const fonts: [string, TextFont][] = [
    ['bitmap x1', bitmapFont(1)],
    ['bitmap x2', bitmapFont(2)],
    ['svg 10px', svgFont(10)],
  ];
  it('horizontal and vertical, 64..1024 px, PNG and SVG fonts, long captions and wide numbers', () => {
    const problems: string[] = [];
    for (const spec of specs()) {
      for (const length of lengths) {
        for (const [fname, font] of fonts) {
          for (const orientation of ['horizontal', 'vertical'] as const) {
            const l = colorBarLayout(spec, 7, 11, length, { font, orientation });
            const where = `${orientation} ${length}px ${fname} '${spec.label}'`;
            for (const p of barProblems(l)) problems.push(`${where}: ${p}`);
            // both ends stay labelled on every bar the report could draw
            const ticks = l.labels.filter((b) => b.role === 'tick');
            if (spec.min !== spec.max && ticks.length < 2) problems.push(`${where}: ${ticks.length} tick labels`);
            // captions wrap rather than lose text while each word fits the width
            const caption = l.labels.filter((b) => b.role === 'caption');
            const wordsFit = spec.label!.split(' ').every((w) => font.measure(w) <= caption[0]!.box.width);
            if (wordsFit && spec.label!.length < 40 && caption.some((c) => c.truncated)) problems.push(`${where}: caption cut`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
  it('the PNG bar draws its labels whole, inside the bar, nothing outside (pixel check)', () => {
    const ink = [40, 40, 40];
    for (const spec of specs()) {
      for (const length of [64, 116, 300]) {
        for (const orientation of ['horizontal', 'vertical'] as const) {
          for (const scale of [1, 2]) {
            const probe = colorBarLayout(spec, 0, 0, length, { font: bitmapFont(scale), orientation });
            const r = createRaster(probe.bounds.width + 10, probe.bounds.height + 10);
            const l = drawColorBar(r, spec, 5, 5, length, { textScale: scale, orientation });
            const marks: Rect[] = l.ticks.map((t) =>
              orientation === 'horizontal' ? { x: t.at, y: l.bar.y + l.bar.height, width: 1, height: 3 } : { x: l.bar.x + l.bar.width, y: t.at, width: 3, height: 1 },
            );
            expect(inkProblems(r, l.labels, ink, [l.bar, ...marks]), `${orientation} ${length} x${scale} '${spec.label}'`).toEqual([]);
          }
        }
      }
    }
  });
  it('SVG bars report their height, which grows with the caption', () => {
    const short = colorBarSvgLayout({ colormap: 'diverging', min: -1, max: 1, label: 'attribution' }, 0, 0, 120);
    const long = colorBarSvgLayout({ colormap: 'diverging', min: -1, max: 1, label: 'share of pixel kept vs |attribution|' }, 0, 0, 120);
    expect(long.labels.filter((l) => l.role === 'caption').length).toBeGreaterThan(1);
    expect(long.bounds.height).toBeGreaterThan(short.bounds.height);
  });
});

/** An attribution and image of h x w (deterministic, signed). */
function example(h: number, w: number) {
  const n = h * w;
  const attr = tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * ((i % 7) - 2)), [h, w]);
  const image = tensor(Array.from({ length: n }, (_, i) => ((i * 13) % 17) / 17), [h, w]);
  return { attr, image };
}

const ALL_SIGNS: readonly AttrSign[] = ['all', 'positive', 'negative', 'absolute_value'];

describe('image pictures: titles and legends fit at every size', () => {
  it('every legend kind and sign, maps from 1 to 300 px, with and without long titles', () => {
    const problems: string[] = [];
    for (const [h, w] of [[1, 1], [4, 4], [20, 20], [28, 28], [32, 32], [7, 50], [50, 7], [100, 100], [300, 20]] as const) {
      const { attr, image } = example(h, w);
      for (const minSize of [16, 120, 256]) {
        // heat_map and blended_heat_map share a legend, as do masked_image and alpha_scaling
        for (const method of ['heat_map', 'masked_image', 'original_image'] as const) {
          for (const sign of ALL_SIGNS) {
            for (const title of [undefined, 'layer-integrated-gradients on dense_1 (Dense)']) {
              const pic = visualizeImageAttr(attr, { method, sign, image, minSize, ...(title ? { title } : {}) });
              const bounds = { x: 0, y: 0, width: pic.raster.width, height: pic.raster.height };
              for (const p of labelProblems(pic.labels, bounds)) problems.push(`${h}x${w} min ${minSize} ${method} ${sign} '${title}': ${p}`);
              if (pic.raster.width >= 64 && pic.labels.some((l) => l.role !== 'title' && l.truncated)) {
                problems.push(`${h}x${w} min ${minSize} ${method} ${sign}: legend text cut at width ${pic.raster.width}`);
              }
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
  it('the report-sized masked image draws every glyph of its legend inside the picture (pixel check)', () => {
    // the report draws per-method heat maps and masked images with minSize 120; 20x20 -> 120 px
    const { attr, image } = example(20, 20);
    for (const [method, sign] of [
      ['masked_image', 'absolute_value'],
      ['masked_image', 'positive'],
      ['heat_map', 'all'],
      ['heat_map', 'absolute_value'],
    ] as const) {
      const pic = visualizeImageAttr(attr, { method, sign, image, minSize: 120, title: 'integrated-gradients' });
      const l = pic.legendLayout!;
      const map: Rect = { x: 0, y: pic.mapTop, width: pic.raster.width, height: pic.mapHeight };
      const marks = l.ticks.map((t) => ({ x: t.at, y: l.bar.y + l.bar.height, width: 1, height: 3 }));
      expect(inkProblems(pic.raster, l.labels, [40, 40, 40], [map, l.bar, ...marks]), `${method} ${sign}`).toEqual([]);
      const titles = pic.labels.filter((b) => b.role === 'title');
      expect(inkProblems(pic.raster, titles, [30, 30, 30], [map, l.bar]), `${method} ${sign} title`).toEqual([]);
      // the caption is all there, on two lines for the masked image
      const caption = l.labels.filter((b) => b.role === 'caption').map((b) => b.text).join(' ');
      expect(caption).toBe(method === 'masked_image' ? `share of pixel kept vs ${sign === 'absolute_value' ? '|attribution|' : 'attribution'}` : sign === 'all' ? 'attribution' : '|attribution|');
      // no ink in the two outermost columns: nothing runs into the picture's edge
      for (const x of [0, pic.raster.width - 1]) {
        for (let y = pic.mapTop + pic.mapHeight; y < pic.raster.height; y++) {
          const o = (y * pic.raster.width + x) * 4;
          expect(pic.raster.data[o], `column ${x} row ${y}`).toBe(255);
        }
      }
    }
  });
});

describe('SVG method grid: titles and colour bars fit their cells', () => {
  it('long method names wrap, colour-bar captions wrap, nothing leaves the picture', () => {
    const { attr, image } = example(20, 20);
    const names = ['saliency', 'integrated-gradients', 'layer-integrated-gradients', 'attribution (signed)', 'dense_1 (Dense)', 'guided-grad-cam'];
    for (const minSize of [32, 120, 256]) {
      const panels = [{ title: 'input' }, ...names.map((title, i) => ({ title, attribution: attr, method: (i % 2 ? 'masked_image' : 'blended_heat_map') as ImageVizMethod, sign: (i % 3 ? 'all' : 'absolute_value') as AttrSign }))];
      for (const columns of [1, 3, panels.length]) {
        const g = imageAttrGridSvgLayout(panels, { image, minSize, columns, title: 'example 0 · target 1 (predicted 1) with a long heading that must wrap in narrow grids' });
        expect(labelProblems(g.labels, { x: 0, y: 0, width: g.width, height: g.height }), `min ${minSize} columns ${columns}`).toEqual([]);
        const titles = g.labels.filter((l: LabelBox) => l.role === 'panel-title').map((l) => l.text);
        expect(titles.some((t) => t.includes('…')), titles.join(' | ')).toBe(false);
      }
    }
  });
});
