/**
 * The model worker: loads a model, builds it on the chosen backend and runs attribution methods
 * off the page's thread. A run reports progress per model call (the methods' `onProgress`) and is
 * cancelled through its AbortController: by a `cancel` message or by the next `run` (one run at a
 * time; a second run cancels the first).
 */
import { METHODS, type MethodOptions, type Tensor } from '@glasswing/core';
import type { BackendId, FromWorker, MethodRequest, ModelFiles, ToWorker, WireTensor } from '../protocol.js';
import { buildModel, Unavailable, type Built } from './backends.js';
import { loadModelFiles, type LoadedModel } from './load.js';
import { methodRows, summarize } from './summary.js';
import { attentionNodes, attentionRows, isAttentionView, runAttention } from './attention.js';

const post = (m: FromWorker, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

let loaded: LoadedModel | undefined;
let built: Built | undefined;
let current: { id: number; controller: AbortController } | undefined;
const unavailable: Partial<Record<BackendId, string>> = {};

async function load(name: string, files: ModelFiles, backend: BackendId) {
  current?.controller.abort();
  const next = await loadModelFiles(name, files);
  await built?.dispose().catch(() => {});
  built = undefined;
  loaded = next;
  try {
    built = await buildModel(next, backend);
    delete unavailable[backend];
  } catch (e) {
    if (e instanceof Unavailable) unavailable[backend] = e.message;
    throw e;
  }
  return summarize(next, built.model, backend, built.ran, { ...unavailable });
}

const tensor = (t: WireTensor): Tensor => ({ shape: [...t.shape], data: t.data });

async function runAll(id: number, input: WireTensor, target: number, requests: readonly MethodRequest[]) {
  current?.controller.abort();
  const controller = new AbortController();
  current = { id, controller };
  const model = built?.model;
  if (!model || !loaded) throw new Error('no model is loaded');
  const x = tensor(input);
  const rows = Object.fromEntries(methodRows(model.capabilities).map((r) => [r.id, r]));
  for (const [index, req] of requests.entries()) {
    if (controller.signal.aborted) break;
    if (isAttentionView(req.method)) {
      const started = performance.now();
      const onProgress = (p: { done: number; total: number }) => post({ type: 'progress', id, method: req.method, index, count: requests.length, done: p.done, total: p.total });
      try {
        if (!attentionRows(attentionNodes(loaded.graph), model.capabilities).some((r) => r.id === req.method && r.supported)) throw new Error(`${req.method} cannot run on this model/backend`);
        const r = await runAttention(model, x, req.method, target, controller.signal, onProgress);
        post({ type: 'result', id, result: { ...r, seconds: (performance.now() - started) / 1000 } });
      } catch (e) {
        if (controller.signal.aborted) break;
        post({ type: 'result', id, result: { method: req.method, title: req.method, family: 'attention', options: {}, attributions: { shape: [], data: new Float32Array(0) }, modelCalls: 0, seconds: 0, error: message(e) } });
      }
      continue;
    }
    const spec = METHODS[req.method];
    const row = rows[req.method];
    if (!spec || !row) {
      post({ type: 'result', id, result: { method: req.method, title: req.method, family: 'unknown', options: req.options, attributions: { shape: [], data: new Float32Array(0) }, modelCalls: 0, seconds: 0, error: `unknown method ${req.method}` } });
      continue;
    }
    const started = performance.now();
    try {
      // Neuron methods attribute a neuron, not a class: they take no target.
      const withTarget = spec.options.includes('target') ? { target: [target] } : {};
      const r = await spec.run(model, x, {
        ...(req.options as MethodOptions),
        ...withTarget,
        signal: controller.signal,
        onProgress: (p) => post({ type: 'progress', id, method: req.method, index, count: requests.length, done: p.done, total: p.total }),
      });
      const data = new Float32Array(r.attributions.data);
      post(
        {
          type: 'result',
          id,
          result: {
            method: spec.id,
            title: spec.title,
            family: row.family,
            options: req.options,
            attributions: { shape: r.attributions.shape, data },
            modelCalls: r.modelCalls,
            seconds: (performance.now() - started) / 1000,
            ...(r.delta && r.delta.length > 0 ? { delta: r.delta[0]! } : {}),
          },
        },
        [data.buffer],
      );
    } catch (e) {
      if (controller.signal.aborted) break;
      post({ type: 'result', id, result: { method: spec.id, title: spec.title, family: row.family, options: req.options, attributions: { shape: [], data: new Float32Array(0) }, modelCalls: 0, seconds: 0, error: message(e) } });
    }
  }
  if (current?.id === id) current = undefined;
  post(controller.signal.aborted ? { type: 'cancelled', id } : { type: 'done', id });
}

function message(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err.message ?? String(e)}`;
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  const fail = (e: unknown) => post({ type: 'error', id: m.id, message: message(e) });
  switch (m.type) {
    case 'load':
      load(m.name, m.files, m.backend).then((summary) => post({ type: 'loaded', id: m.id, summary }), fail);
      break;
    case 'predict':
      if (!built) fail(new Error('no model is loaded'));
      else built.model.forward(tensor(m.input)).then((y) => post({ type: 'prediction', id: m.id, logits: Array.from(y.data) }), fail);
      break;
    case 'run':
      runAll(m.id, m.input, m.target, m.requests).catch(fail);
      break;
    case 'cancel':
      if (current && (m.id < 0 || current.id === m.id)) current.controller.abort();
      break;
  }
};
