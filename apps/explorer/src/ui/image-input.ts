/**
 * Image input: a drawing pad holding the source image (a sample, a dropped file, or strokes drawn
 * with the pointer), resized to the model's input and normalized as shown: value = (pixel × scale
 * − mean) / std, gray (mean of R, G, B) for one channel, optionally inverted first.
 */
import type { WireTensor } from '../protocol.js';
import { field, h } from './dom.js';

export interface Preprocessing {
  scale: number;
  mean: number;
  std: number;
  invert: boolean;
}

export interface ImageGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly layout: 'NHWC' | 'NCHW';
  /** The model's per-example input shape. */
  readonly inputShape: readonly number[];
}

/** [H, W, C] / [C, H, W] / [H, W] input shapes as height, width, channels. */
export function imageGeometry(inputShape: readonly number[], layout: 'NHWC' | 'NCHW' | undefined): ImageGeometry | undefined {
  if (inputShape.length === 2) return { h: inputShape[0]!, w: inputShape[1]!, c: 1, layout: 'NHWC', inputShape };
  if (inputShape.length !== 3) return undefined;
  if (layout === 'NCHW') return { c: inputShape[0]!, h: inputShape[1]!, w: inputShape[2]!, layout, inputShape };
  return { h: inputShape[0]!, w: inputShape[1]!, c: inputShape[2]!, layout: 'NHWC', inputShape };
}

export class ImageInput {
  readonly element: HTMLElement;
  private readonly pad: HTMLCanvasElement;
  private readonly pipeline: HTMLElement;
  private readonly inputs: Record<keyof Preprocessing, HTMLInputElement>;
  private drawing = false;
  /** Show sample i (no change event). */
  selectSample: (i: number) => Promise<void>;

  constructor(
    private readonly geometry: ImageGeometry,
    pre: Preprocessing,
    samples: readonly { label: string; url: string }[],
    private readonly onChange: () => void,
  ) {
    this.pad = h('canvas', { class: 'pad', width: geometry.w, height: geometry.h, role: 'img', 'aria-label': `input image, ${geometry.w}×${geometry.h}; draw on it with the pointer` });
    this.clear();
    this.pad.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      this.pad.setPointerCapture(e.pointerId);
      this.paint(e);
    });
    this.pad.addEventListener('pointermove', (e) => this.drawing && this.paint(e));
    this.pad.addEventListener('pointerup', () => {
      this.drawing = false;
      this.onChange();
    });
    const num = (v: number, step: string, label: string) => h('input', { type: 'number', step, value: String(+v.toPrecision(6)), 'aria-label': label });
    this.inputs = {
      scale: num(pre.scale, 'any', 'scale'),
      mean: num(pre.mean, 'any', 'mean'),
      std: num(pre.std, 'any', 'std'),
      invert: h('input', { type: 'checkbox', ...(pre.invert ? { checked: true } : {}) }),
    };
    for (const i of Object.values(this.inputs)) i.addEventListener('change', () => this.onChange());
    this.pipeline = h('div', { class: 'pipeline', 'aria-live': 'polite' });
    const file = h('input', { type: 'file', accept: 'image/*', hidden: true, id: 'image-file', 'aria-label': 'open an image file' });
    file.addEventListener('change', () => file.files?.[0] && void this.loadFile(file.files[0]));
    const sampleButtons = samples.map((s, i) => {
      const b = h('button', { type: 'button', 'aria-pressed': 'false', title: s.label, 'aria-label': `sample: ${s.label}`, 'data-sample': i }, h('img', { src: s.url, alt: '' }));
      b.addEventListener('click', () => void this.selectSample(i).then(() => this.onChange()));
      return b;
    });
    this.selectSample = async (i: number) => {
      sampleButtons.forEach((o, k) => o.setAttribute('aria-pressed', String(k === i)));
      if (samples[i]) await this.loadUrl(samples[i].url);
    };
    this.element = h(
      'div',
      {},
      h(
        'div',
        { class: 'image-input' },
        this.pad,
        h(
          'div',
          {},
          samples.length ? h('div', { class: 'muted small' }, 'Samples') : null,
          h('div', { class: 'samples' }, ...sampleButtons),
          h('div', { class: 'row', style: 'margin-top:8px' }, h('button', { type: 'button', onclick: () => (this.clear(), this.onChange()) }, 'Clear'), h('button', { type: 'button', onclick: () => file.click() }, 'Open image…'), file),
          h('p', { class: 'muted small' }, 'Draw with the pointer (white on black), pick a sample, or open / drop an image.'),
        ),
      ),
      h('div', { class: 'grid3' }, field('scale', this.inputs.scale), field('mean', this.inputs.mean), field('std', this.inputs.std)),
      h('div', { class: 'row', style: 'margin-top:6px' }, this.inputs.invert, h('label', { for: (this.inputs.invert.id = 'invert'), style: 'margin:0;font-weight:500' }, 'invert (1 − pixel) first')),
      this.pipeline,
    );
    this.element.addEventListener('dragover', (e) => e.preventDefault());
    this.element.addEventListener('drop', (e) => {
      e.preventDefault();
      const f = e.dataTransfer?.files[0];
      if (f) void this.loadFile(f);
    });
  }

  clear(): void {
    const ctx = this.pad.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.pad.width, this.pad.height);
  }

  private paint(e: PointerEvent): void {
    const r = this.pad.getBoundingClientRect();
    const x = ((e.clientX - r.left) / r.width) * this.pad.width;
    const y = ((e.clientY - r.top) / r.height) * this.pad.height;
    const ctx = this.pad.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.beginPath();
    ctx.arc(x, y, Math.max(0.8, this.pad.width / 18), 0, 2 * Math.PI);
    ctx.fill();
  }

  async loadUrl(url: string): Promise<void> {
    const img = new Image();
    img.src = url;
    await img.decode();
    this.drawSource(img, img.naturalWidth, img.naturalHeight);
  }

  async loadFile(file: File): Promise<void> {
    const bitmap = await createImageBitmap(file);
    this.drawSource(bitmap, bitmap.width, bitmap.height);
    this.onChange();
  }

  /** Resize the source to the model's H×W (exact copy when the sizes match). */
  private drawSource(src: CanvasImageSource, w: number, h: number): void {
    const ctx = this.pad.getContext('2d')!;
    ctx.imageSmoothingEnabled = !(w === this.pad.width && h === this.pad.height);
    ctx.imageSmoothingQuality = 'high';
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.pad.width, this.pad.height);
    ctx.drawImage(src, 0, 0, w, h, 0, 0, this.pad.width, this.pad.height);
  }

  get preprocessing(): Preprocessing {
    const n = (i: HTMLInputElement, d: number) => (Number.isFinite(i.valueAsNumber) ? i.valueAsNumber : d);
    return { scale: n(this.inputs.scale, 1 / 255), mean: n(this.inputs.mean, 0), std: n(this.inputs.std, 1) || 1, invert: this.inputs.invert.checked };
  }

  /** The model input [1, ...inputShape] and the display image [H, W, C] in [0, 1]. */
  tensor(): { input: WireTensor; display: WireTensor } {
    const { h: H, w: W, c: C, layout } = this.geometry;
    const px = this.pad.getContext('2d')!.getImageData(0, 0, W, H).data;
    const p = this.preprocessing;
    const data = new Float32Array(H * W * C);
    const disp = new Float32Array(H * W * C);
    let lo = Infinity;
    let hi = -Infinity;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const o = (y * W + x) * 4;
        for (let c = 0; c < C; c++) {
          let v = C === 1 ? (px[o]! + px[o + 1]! + px[o + 2]!) / 3 : px[o + Math.min(c, 2)]!;
          if (p.invert) v = 255 - v;
          const value = (v * p.scale - p.mean) / p.std;
          const at = layout === 'NCHW' ? c * H * W + y * W + x : (y * W + x) * C + c;
          data[at] = value;
          disp[(y * W + x) * C + c] = v / 255;
          lo = Math.min(lo, value);
          hi = Math.max(hi, value);
        }
      }
    }
    const shape = [1, ...this.geometry.inputShape];
    this.pipeline.textContent = `resize → ${W}×${H}${C === 1 ? ', gray' : ', RGB'}${p.invert ? ', invert' : ''} → (pixel × ${+p.scale.toPrecision(4)} − ${p.mean}) / ${p.std}\n→ [${shape.join(', ')}] ${layout}, values in [${lo.toFixed(3)}, ${hi.toFixed(3)}]`;
    return { input: { shape, data }, display: { shape: [H, W, C], data: disp } };
  }
}
