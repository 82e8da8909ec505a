/**
 * The Explain controls: backend, target class, the methods (every METHODS entry; the ones this
 * model/backend cannot run are disabled with the reason), their main options, Explain / Cancel
 * and the progress bar.
 */
import { BACKENDS, type BackendId, type MethodRequest, type MethodRow, type ModelSummary } from '../protocol.js';
import { field, h, nextId } from './dom.js';

export type InputKind = 'image' | 'tabular' | 'tokens';

const FAMILY_TITLES: Record<string, string> = { gradient: 'Gradient', perturbation: 'Perturbation', rules: 'Propagation rules', layer: 'Layer', neuron: 'Neuron', attention: 'Attention (transformers)' };
/** Methods checked when a model loads. */
const DEFAULT_ON = new Set(['saliency', 'integrated-gradients', 'occlusion', 'feature-ablation']);

export interface ExplainCallbacks {
  onBackend(b: BackendId): void;
  onRun(): void;
  onCancel(): void;
  onTarget(): void;
}

export class ExplainPanel {
  readonly element: HTMLElement;
  readonly backend: HTMLSelectElement;
  readonly target: HTMLSelectElement;
  private readonly methodsBox: HTMLElement;
  private readonly checks = new Map<string, HTMLInputElement>();
  private readonly opt: Record<'steps' | 'samples' | 'stdev' | 'baseline' | 'window' | 'neuron' | 'seed', HTMLInputElement>;
  readonly layer: HTMLSelectElement;
  readonly runButton: HTMLButtonElement;
  readonly cancelButton: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressText: HTMLElement;
  private rows: readonly MethodRow[] = [];

  constructor(cb: ExplainCallbacks) {
    const hasGpu = 'gpu' in navigator;
    this.backend = h('select', { id: 'backend' }, ...BACKENDS.map((b) => h('option', { value: b.id, ...(b.id === 'onnx-webgpu' && !hasGpu ? { disabled: true } : {}) }, b.id === 'onnx-webgpu' && !hasGpu ? `${b.title} (no navigator.gpu here)` : b.title)));
    this.backend.addEventListener('change', () => cb.onBackend(this.backend.value as BackendId));
    this.target = h('select', { id: 'target' });
    this.target.addEventListener('change', () => cb.onTarget());
    this.methodsBox = h('div', { id: 'methods', role: 'group', 'aria-labelledby': 'methods-h' });
    const num = (value: string, step = 'any', min?: string) => h('input', { type: 'number', step, value, ...(min ? { min } : {}) });
    this.opt = {
      steps: num('50', '1', '1'),
      samples: num('', '1', '1'),
      stdev: num('0.1'),
      seed: num('0', '1', '0'),
      baseline: num('0'),
      window: num('4', '1', '1'),
      neuron: num('0', '1', '0'),
    };
    this.opt.samples.placeholder = 'method default';
    for (const [k, el] of Object.entries(this.opt)) el.id = `method-${k}`;
    this.layer = h('select', { id: 'layer' });
    this.runButton = h('button', { type: 'button', class: 'primary', id: 'run', onclick: () => cb.onRun() }, 'Explain');
    this.cancelButton = h('button', { type: 'button', id: 'cancel', disabled: true, onclick: () => cb.onCancel() }, 'Cancel');
    this.progress = h('progress', { id: 'progress', max: 1, value: 0, 'aria-label': 'progress of the explanation' });
    this.progressText = h('div', { class: 'progress-text', 'aria-live': 'polite', id: 'progress-text' });
    this.element = h(
      'div',
      {},
      field('Backend', this.backend, 'Where the model runs, inside a Web Worker.'),
      field('Target class', this.target, 'The output whose decision is explained.'),
      h(
        'div',
        { class: 'row', style: 'justify-content:space-between' },
        h('h3', { id: 'methods-h' }, 'Methods'),
        h('div', {}, h('button', { type: 'button', class: 'link', onclick: () => this.setAll(true) }, 'all'), h('button', { type: 'button', class: 'link', onclick: () => this.setAll(false) }, 'none')),
      ),
      this.methodsBox,
      h('details', {}, h('summary', {}, 'Method options'), h(
        'div',
        { class: 'grid2' },
        field('Steps (path methods)', this.opt.steps),
        field('Samples', this.opt.samples),
        field('Noise σ (SmoothGrad)', this.opt.stdev),
        field('Seed', this.opt.seed),
        field('Baseline value', this.opt.baseline),
        field('Occlusion window', this.opt.window),
        field('Layer', this.layer),
        field('Neuron (flat index)', this.opt.neuron),
      )),
      h('div', { class: 'actions-bar' }, h('div', { class: 'actions' }, this.runButton, this.cancelButton), this.progress, this.progressText),
    );
  }

  setModel(summary: ModelSummary, classes: readonly string[]): void {
    this.backend.value = summary.backend;
    for (const o of Array.from(this.backend.options)) {
      const why = summary.unavailable[o.value as BackendId];
      if (why) o.textContent = `${BACKENDS.find((b) => b.id === o.value)!.title} (unavailable)`;
      o.title = why ?? '';
    }
    const n = summary.outputShape.reduce((a, b) => a * b, 1);
    this.target.replaceChildren(...Array.from({ length: n }, (_, i) => h('option', { value: String(i) }, classes[i] !== undefined ? `${i}: ${classes[i]}` : `class ${i}`)));
    const layers = summary.layerNames;
    // Default layer: the last one with a spatial output (Grad-CAM's usual choice), else the middle.
    const spatial = layers.filter((l) => (summary.layerShapes[l]?.length ?? 0) === 3);
    const preferred = spatial[spatial.length - 1] ?? layers[Math.floor(layers.length / 2)];
    this.layer.replaceChildren(...layers.map((l) => h('option', { value: l }, `${l}${summary.layerShapes[l] ? ` [${summary.layerShapes[l]!.join('×')}]` : ''}`)));
    if (preferred) this.layer.value = preferred;
    this.rows = summary.methods;
    const previous = new Set([...this.checks].filter(([, c]) => c.checked).map(([id]) => id));
    this.checks.clear();
    const families = [...new Set(summary.methods.map((m) => m.family))];
    this.methodsBox.replaceChildren(
      ...families.map((fam) =>
        h(
          'fieldset',
          {},
          h('legend', {}, FAMILY_TITLES[fam] ?? fam),
          ...summary.methods
            .filter((m) => m.family === fam)
            .map((m) => {
              const id = `m-${m.id}`;
              const on = m.supported && (previous.size ? previous.has(m.id) : DEFAULT_ON.has(m.id));
              const box = h('input', { type: 'checkbox', id, value: m.id, ...(m.supported ? {} : { disabled: true }), ...(on ? { checked: true } : {}) });
              this.checks.set(m.id, box);
              const whyId = nextId('why');
              if (!m.supported) box.setAttribute('aria-describedby', whyId);
              return h('div', { class: `method${m.supported ? '' : ' off'}`, 'data-method': m.id }, box, h('label', { for: id }, m.title, !m.supported ? h('span', { class: 'why', id: whyId }, m.reason ?? 'not available') : null));
            }),
        ),
      ),
    );
  }

  private setAll(on: boolean): void {
    for (const c of this.checks.values()) c.checked = on && !c.disabled;
  }

  /** Check exactly these methods (tests and links). */
  select(ids: readonly string[]): void {
    for (const [id, c] of this.checks) c.checked = !c.disabled && ids.includes(id);
  }

  private numberOf(i: HTMLInputElement): number | undefined {
    return i.value === '' || !Number.isFinite(i.valueAsNumber) ? undefined : i.valueAsNumber;
  }

  /** One request per checked method, with the options it reads. */
  requests(kind: InputKind, summary: ModelSummary): MethodRequest[] {
    const out: MethodRequest[] = [];
    for (const row of this.rows) {
      if (!this.checks.get(row.id)?.checked || !row.supported) continue;
      const o: Record<string, unknown> = {};
      const has = (k: string) => row.options.includes(k);
      const steps = this.numberOf(this.opt.steps);
      const samples = this.numberOf(this.opt.samples);
      if (has('steps') && steps) o['steps'] = steps;
      if (has('samples') && samples) o['samples'] = samples;
      else if (has('samples') && (row.id === 'lime' || row.id === 'kernel-shap')) o['samples'] = kind === 'image' ? 300 : 500;
      if (has('stdev')) o['stdev'] = this.numberOf(this.opt.stdev) ?? 0.1;
      if (has('seed')) o['seed'] = this.numberOf(this.opt.seed) ?? 0;
      if (has('baselines')) o['baselines'] = this.numberOf(this.opt.baseline) ?? 0;
      if (has('layer')) o['layer'] = this.layer.value;
      if (has('neuron')) o['neuron'] = this.numberOf(this.opt.neuron) ?? 0;
      if (row.id === 'occlusion') Object.assign(o, occlusionWindow(kind, summary, this.numberOf(this.opt.window) ?? 4));
      out.push({ method: row.id, options: o });
    }
    return out;
  }

  running(on: boolean): void {
    this.cancelButton.disabled = !on;
    if (!on) this.progress.value = 0;
  }

  setProgress(text: string, fraction: number): void {
    this.progress.value = Math.max(0, Math.min(1, fraction));
    this.progressText.textContent = text;
  }
}

/** Occlusion's window and strides: k×k patches (stride k/2) over images, one feature / one token otherwise. */
export function occlusionWindow(kind: InputKind, summary: ModelSummary, k: number): { window: number[]; strides: number[] } {
  const shape = summary.inputShape;
  if (kind === 'image' && shape.length === 3) {
    const s = Math.max(1, Math.floor(k / 2));
    if (summary.layout === 'NCHW') return { window: [shape[0]!, k, k], strides: [shape[0]!, s, s] };
    return { window: [k, k, shape[2]!], strides: [s, s, shape[2]!] };
  }
  if (kind === 'image' && shape.length === 2) return { window: [k, k], strides: [Math.max(1, Math.floor(k / 2)), Math.max(1, Math.floor(k / 2))] };
  if (kind === 'tokens') return { window: [1, shape[1]!], strides: [1, shape[1]!] };
  return { window: shape.map(() => 1), strides: shape.map(() => 1) };
}
