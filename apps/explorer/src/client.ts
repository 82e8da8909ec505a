/**
 * The page's side of the worker: promises for load / predict, and runs that stream progress and
 * results. Starting a run cancels the one in flight (the worker aborts it through its signal).
 */
import type { BackendId, FromWorker, MethodRequest, MethodResult, ModelFiles, ModelSummary, ToWorker, WireTensor } from './protocol.js';

export interface RunHandlers {
  onProgress(p: { method: string; index: number; count: number; done: number; total: number }): void;
  onResult(r: MethodResult): void;
}

export type RunOutcome = 'done' | 'cancelled';

export class ModelClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (m: FromWorker) => void; reject: (e: Error) => void; handlers?: RunHandlers }>();
  private running: number | undefined;

  constructor() {
    this.worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      for (const p of this.pending.values()) p.reject(new Error(`the model worker failed: ${e.message}`));
      this.pending.clear();
    };
  }

  private receive(m: FromWorker): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.handlers?.onProgress(m);
    if (m.type === 'result') return p.handlers?.onResult(m.result);
    this.pending.delete(m.id);
    if (this.running === m.id) this.running = undefined;
    if (m.type === 'error') p.reject(new Error(m.message));
    else p.resolve(m);
  }

  private send(m: ToWorker, transfer: Transferable[] = [], handlers?: RunHandlers): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      this.pending.set(m.id, { resolve, reject, ...(handlers ? { handlers } : {}) });
      this.worker.postMessage(m, transfer);
    });
  }

  async load(name: string, files: ModelFiles, backend: BackendId): Promise<ModelSummary> {
    const m = await this.send({ type: 'load', id: this.nextId++, name, files, backend });
    return (m as Extract<FromWorker, { type: 'loaded' }>).summary;
  }

  async predict(input: WireTensor): Promise<number[]> {
    const m = await this.send({ type: 'predict', id: this.nextId++, input: { shape: input.shape, data: new Float32Array(input.data) } });
    return [...(m as Extract<FromWorker, { type: 'prediction' }>).logits];
  }

  /** Run methods on one input; a run already in flight is cancelled first. */
  async run(input: WireTensor, target: number, requests: readonly MethodRequest[], handlers: RunHandlers): Promise<RunOutcome> {
    this.cancel();
    const id = this.nextId++;
    this.running = id;
    const m = await this.send({ type: 'run', id, input: { shape: input.shape, data: new Float32Array(input.data) }, target, requests }, [], handlers);
    return m.type === 'cancelled' ? 'cancelled' : 'done';
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  cancel(): void {
    if (this.running !== undefined) this.worker.postMessage({ type: 'cancel', id: this.running } satisfies ToWorker);
  }
}
