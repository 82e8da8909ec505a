/**
 * Glasswing Explorer: pick (or drop) a model and an input, choose methods and a backend, and see
 * the explanations — everything computed in a Web Worker in this browser. `window.glasswingExplorer`
 * exposes the state and a few actions for the end-to-end tests.
 */
import './style.css';
import { ModelClient } from './client.js';
import { droppedFiles, exampleFiles, loadCatalog, assetUrl, type Example } from './examples.js';
import type { BackendId, MethodResult, ModelFiles, ModelSummary, WireTensor } from './protocol.js';
import { byId, clear, download, field, h } from './ui/dom.js';
import { ExplainPanel, type InputKind } from './ui/explain-panel.js';
import { ImageInput, imageGeometry } from './ui/image-input.js';
import { predictionView, probabilities } from './ui/prediction.js';
import { resultCard, resultJson, type ResultContext } from './ui/results.js';
import { sessionHtml } from './ui/session-report.js';
import { summaryView } from './ui/summary-view.js';
import { TableInput, TokenInput } from './ui/table-input.js';

type InputWidget = ImageInput | TableInput | TokenInput;

const client = new ModelClient();
const state: {
  example?: Example;
  files?: ModelFiles;
  /** The files of the model loaded now (a backend switch keeps the input and results). */
  loadedFiles?: ModelFiles;
  name: string;
  summary?: ModelSummary;
  classes: readonly string[];
  kind: InputKind;
  input?: InputWidget;
  logits?: number[];
  /** The prediction in flight (a run waits for it, so its target is the predicted class). */
  predicting?: Promise<void>;
  targetChosen: boolean;
  results: { result: MethodResult; json: Record<string, unknown> }[];
  run: { status: 'idle' | 'running' | 'done' | 'cancelled' | 'error'; id: number; error?: string };
  status: string;
} = { name: '', classes: [], kind: 'image', targetChosen: false, results: [], run: { status: 'idle', id: 0 }, status: 'starting' };

const modelStatus = h('div', { class: 'status', 'aria-live': 'polite', id: 'model-status' });
const exampleSelect = h('select', { id: 'example' });
const exampleNote = h('p', { class: 'example-note' });
const explain = new ExplainPanel({
  onBackend: (b) => void loadModel(b),
  onRun: () => void runExplain(),
  onCancel: () => client.cancel(),
  onTarget: () => (state.targetChosen = true),
});

function setStatus(text: string, error = false): void {
  modelStatus.textContent = text;
  modelStatus.className = error ? 'status error' : 'status';
  state.status = error ? `error: ${text}` : text;
}

function fileControls(): HTMLElement {
  const input = h('input', { type: 'file', multiple: true, id: 'model-files', accept: '.onnx,.json,.bin,application/json,application/octet-stream' });
  input.addEventListener('change', () => input.files?.length && void useFiles(input.files));
  const zone = h('div', { class: 'dropzone', id: 'dropzone' }, 'Drop your own model here, or ', h('label', { for: 'model-files' }, 'choose files'), input, h('div', { class: 'small' }, '.onnx · TensorFlow.js model.json + weight shards · Glasswing graph JSON'));
  zone.addEventListener('dragover', (e) => (e.preventDefault(), zone.classList.add('over')));
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files.length) void useFiles(e.dataTransfer.files);
  });
  return zone;
}

async function useFiles(list: FileList | readonly File[]): Promise<void> {
  state.example = undefined;
  state.files = await droppedFiles(list);
  state.name = Array.from(list, (f) => f.name).find((n) => /\.(onnx|json)$/i.test(n)) ?? 'model';
  exampleSelect.value = '';
  exampleNote.textContent = `Your files: ${Array.from(list, (f) => f.name).join(', ')} (read in this browser only).`;
  await loadModel();
}

async function useExample(ex: Example): Promise<void> {
  state.example = ex;
  exampleNote.textContent = ex.description;
  setStatus(`Fetching ${ex.title}…`);
  state.files = await exampleFiles(ex);
  state.name = ex.id;
  await loadModel();
}

function inferKind(summary: ModelSummary): InputKind {
  if (state.example) return state.example.input.kind;
  return summary.inputShape.length === 1 ? 'tabular' : 'image';
}

function buildInput(summary: ModelSummary): void {
  const ex = state.example;
  state.kind = inferKind(summary);
  const onChange = () => void predict();
  if (state.kind === 'tabular') {
    const names = ex?.input.kind === 'tabular' ? ex.input.features : Array.from({ length: summary.inputShape[0]! }, (_, i) => `x${i}`);
    state.input = new TableInput(names, ex?.samples.filter((s) => s.row).map((s) => ({ label: s.label, row: s.row! })) ?? [], onChange);
  } else if (state.kind === 'tokens' && ex?.input.kind === 'tokens') {
    state.input = new TokenInput(ex.input.vocab, ex.input.seqLength, ex.samples.map((s) => ({ label: s.label, tokens: s.tokens! })), onChange);
  } else {
    const geo = imageGeometry(summary.inputShape, summary.layout);
    if (!geo) {
      state.input = undefined;
      clear(byId('input-controls'), h('p', { class: 'status error' }, `Input shape [${summary.inputShape.join(', ')}] is neither an image nor a table row.`));
      return;
    }
    const pre = ex?.input.kind === 'image' ? ex.input.preprocessing : { scale: 1 / 255, mean: 0, std: 1, invert: false };
    const samples = ex?.samples.filter((s) => s.file).map((s) => ({ label: s.label, url: assetUrl(s.file!) })) ?? [];
    state.input = new ImageInput(geo, pre, samples, onChange);
  }
  clear(byId('input-controls'), state.input.element);
}

async function loadModel(backend: BackendId = explain.backend.value as BackendId): Promise<void> {
  if (!state.files) return;
  const files = state.files;
  const same = state.summary !== undefined && state.loadedFiles === files;
  setStatus(`Loading ${state.name} on ${backend}…`);
  explain.runButton.disabled = true;
  try {
    const summary = await client.load(state.name, files, backend);
    state.summary = summary;
    state.loadedFiles = files;
    state.classes = state.example?.classes ?? [];
    explain.setModel(summary, state.classes);
    clear(byId('model-summary'), summaryView(summary));
    if (!same || !state.input) {
      buildInput(summary);
      state.targetChosen = false;
      clear(byId('results'), h('p', { class: 'muted' }, 'Choose methods and press ', h('strong', {}, 'Explain'), '.'));
      state.results = [];
      if (state.input instanceof ImageInput) await state.input.selectSample(0);
    }
    await predict();
    setStatus(`Ready: ${summary.ran}.`);
    explain.runButton.disabled = false;
  } catch (e) {
    setStatus((e as Error).message, true);
    if (state.summary) explain.setModel({ ...state.summary, unavailable: { ...state.summary.unavailable, [backend]: (e as Error).message } }, state.classes);
  }
}

function currentInput(): { input: WireTensor; display?: WireTensor } | undefined {
  try {
    return state.input?.tensor();
  } catch {
    return undefined;
  }
}

function predict(): Promise<void> {
  const p = predictNow();
  state.predicting = p;
  return p;
}

async function predictNow(): Promise<void> {
  const x = currentInput();
  if (!x || !state.summary) return;
  try {
    const logits = await client.predict(x.input);
    state.logits = logits;
    clear(byId('prediction-body'), predictionView(logits, state.classes));
    if (!state.targetChosen) {
      const p = probabilities(logits);
      explain.target.value = String(p.indexOf(Math.max(...p)));
    }
  } catch (e) {
    clear(byId('prediction-body'), h('p', { class: 'status error' }, (e as Error).message));
  }
}

async function runExplain(): Promise<void> {
  await state.predicting;
  const x = currentInput();
  const summary = state.summary;
  if (!x || !summary) return;
  const requests = explain.requests(state.kind, summary);
  if (requests.length === 0) return setStatus('Choose at least one method.', true);
  const target = Number(explain.target.value);
  const ctx: ResultContext = {
    kind: state.kind,
    summary,
    input: x.input,
    ...(x.display ? { display: x.display } : {}),
    ...(state.input instanceof TableInput ? { features: state.input.features } : {}),
    ...(state.input instanceof TokenInput ? { tokens: state.input.tokens } : {}),
    classes: state.classes,
    target,
    logits: state.logits ?? [],
  };
  const grid = byId('results');
  clear(grid);
  grid.classList.toggle('wide', state.kind !== 'image');
  state.results = [];
  const id = state.run.id + 1;
  state.run = { status: 'running', id };
  explain.running(true);
  explain.setProgress(`Starting ${requests.length} method${requests.length > 1 ? 's' : ''}…`, 0);
  try {
    const outcome = await client.run(x.input, target, requests, {
      onProgress: (p) => explain.setProgress(`${p.method} (${p.index + 1}/${p.count}): model call ${p.done} of ${p.total}`, (p.index + (p.total ? p.done / p.total : 0)) / p.count),
      onResult: (r) => {
        if (state.run.id !== id) return;
        state.results.push({ result: r, json: resultJson(r, ctx) });
        grid.append(resultCard(r, ctx));
      },
    });
    if (state.run.id !== id) return;
    state.run = { status: outcome, id };
    explain.setProgress(outcome === 'cancelled' ? 'Cancelled.' : `Done: ${state.results.length} result${state.results.length === 1 ? '' : 's'}.`, outcome === 'cancelled' ? 0 : 1);
  } catch (e) {
    state.run = { status: 'error', id, error: (e as Error).message };
    explain.setProgress(`Failed: ${(e as Error).message}`, 0);
  } finally {
    if (state.run.id === id) explain.running(false);
  }
}

function sessionActions(): HTMLElement {
  return h(
    'div',
    { class: 'downloads row' },
    h('button', { type: 'button', id: 'download-session', onclick: () => state.results.length && download('glasswing-explorer-session.json', JSON.stringify({ format: 'glasswing-explorer-session/1', results: state.results.map((r) => r.json) }, null, 1), 'application/json') }, 'All results (JSON)'),
    h('button', { type: 'button', id: 'download-report', onclick: () => download('glasswing-explorer-report.html', sessionHtml({ title: `Explanations of ${state.name}`, sections: [byId('prediction'), byId('results-panel'), byId('model-info')] }), 'text/html') }, 'Report (HTML)'),
  );
}

async function start(): Promise<void> {
  const catalog = await loadCatalog();
  exampleSelect.replaceChildren(h('option', { value: '' }, '— your own model —'), ...catalog.map((c) => h('option', { value: c.id }, c.title)));
  exampleSelect.addEventListener('change', () => {
    const ex = catalog.find((c) => c.id === exampleSelect.value);
    if (ex) void useExample(ex);
  });
  clear(byId('model-controls'), field('Example', exampleSelect), exampleNote, fileControls(), modelStatus);
  clear(byId('explain-controls'), explain.element);
  clear(byId('session-actions'), sessionActions());
  exampleSelect.value = catalog[0]!.id;
  await useExample(catalog[0]!);
}

const ready = start().catch((e: Error) => setStatus(`The Explorer could not start: ${e.message}`, true));

(globalThis as unknown as { glasswingExplorer: unknown }).glasswingExplorer = {
  ready,
  state,
  selectMethods: (ids: readonly string[]) => explain.select(ids),
  useExample: async (id: string) => {
    exampleSelect.value = id;
    exampleSelect.dispatchEvent(new Event('change'));
  },
};
