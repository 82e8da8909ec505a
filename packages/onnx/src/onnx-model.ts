/**
 * OnnxModel: a Glasswing Model run by ONNX Runtime. Gradients, layer taps and rules come from
 * ONNX graphs EMITTED from the core IR graph (core's GraphExecutor over the symbolic kernels),
 * one session per (batch size, request signature), cached until dispose. An imported ONNX model
 * runs its ORIGINAL bytes for `forward` (exact, works with ops Glasswing cannot differentiate);
 * when the import is incomplete the model is forward-only and `capabilityReport` names the ops
 * that block gradients (unless finite differences were explicitly enabled).
 */
import {
  applyCanonizers,
  canonizerKey,
  CapabilityError,
  checkModelInput,
  checkModelTensor,
  checkRequestTensors,
  outputSeedTensor,
  ruleNeedsReference,
  inferGraphShapes,
  InvalidArgumentError,
  ShapeError,
  sizeOf,
  sliceBatch,
  throwIfAborted,
  type ActivationResult,
  type CallOptions,
  type Capabilities,
  type GradientRequest,
  type GradientResult,
  type Graph,
  type LayerTap,
  type Model,
  type Tensor,
} from '@glasswing/core';
import { emitForwardModel, emitGradientModel, type EmittedModel } from './emit/index.js';
import { finiteDifferenceGradient } from './model/finite-difference.js';
import { DEFAULT_MAX_SESSIONS, SessionCache } from './model/session-cache.js';
import type { InferenceSession } from 'onnxruntime-common';
import { DiskCache } from './model/disk-cache.js';
import { balancedRanges, cat, emittedSession, padRows } from './model/emitted-session.js';
import { fmt, resolveLayers } from './model/validate.js';
import { batchLayoutProblems, checkBatchMajor } from './model/batch-major.js';
import type { OnnxModelConfig, OnnxCapabilityReport } from './model/config.js';

export type { OnnxCapabilityReport, OnnxModelConfig, OriginalOnnx } from './model/config.js';

interface SessionMeta {
  readonly emitted?: EmittedModel;
}

/**
 * Sessions that only run forward (the original model, emitted forwards, activation taps) run in
 * between a model's gradient runs: they are made without spin-waiting threads (runtime.ts
 * `spinning`); gradient sessions keep ORT's default.
 */
const FORWARD_ONLY = { spinning: false } as const;
const GRADIENT = { spinning: true } as const;

export class OnnxModel implements Model {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly capabilities: Capabilities;
  readonly capabilityReport: OnnxCapabilityReport;
  readonly layerNames: readonly string[];
  readonly backend: string;
  /** Most rows per session run (`maxBatch`); larger calls run in balanced chunks. */
  readonly maxRowsPerCall: number;
  /** The IR graph (absent for forward-only models). */
  readonly graph?: Graph;
  private readonly config: OnnxModelConfig;
  /** Canonized graphs by canonizer list key, with their node names and layer shapes. */
  private readonly canonized = new Map<string, { graph: Graph; layerNames: readonly string[]; layerShapes: Map<string, readonly number[]> }>();
  /** At most `maxSessions` sessions; evicted ones are released on the run queue, after the runs before them. */
  private readonly sessions: SessionCache<SessionMeta>;
  private readonly layerShapes = new Map<string, readonly number[]>();
  /** Layers whose first dimension is not the batch (taps refused), with the reason. */
  private readonly layoutProblems: ReadonlyMap<string, string> = new Map();
  private disposed = false;
  /** Runs are serialised (onnxruntime-web sessions do not allow concurrent runs). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Emitted (and for onnx-node ORT-optimised) models kept on disk across processes; see model/disk-cache.ts. */
  private readonly diskCache?: DiskCache;

  constructor(config: OnnxModelConfig) {
    if (!Number.isInteger(config.maxBatch) || config.maxBatch < 1) {
      throw new InvalidArgumentError(`maxBatch must be a positive integer, got ${config.maxBatch}`);
    }
    const maxSessions = config.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (!Number.isInteger(maxSessions) || maxSessions < 1) throw new InvalidArgumentError(`maxSessions must be a positive integer, got ${maxSessions}`);
    this.sessions = new SessionCache<SessionMeta>(maxSessions, (release) => {
      this.queue = this.queue.then(release, release);
    });
    this.config = config;
    this.backend = config.runtime.name;
    this.maxRowsPerCall = config.maxBatch;
    const graph = config.graph;
    if (graph) this.graph = graph;
    if (graph) {
      const shapes = inferGraphShapes(graph);
      const perExample = (s: readonly number[] | undefined, what: string) => {
        if (!s || s.slice(1).some((d) => d < 0)) throw new ShapeError(`${what} shape ${fmt(s ?? [])} has an unknown non-batch dimension`);
        return s.slice(1);
      };
      this.inputShape = perExample(shapes[graph.inputs[0]!.name], `input ${graph.inputs[0]!.name}`);
      this.outputShape = perExample(shapes[graph.outputs[0]!], `output ${graph.outputs[0]!}`);
      this.layerNames = graph.nodes.map((n) => n.name);
      for (const n of graph.nodes) this.layerShapes.set(n.name, shapes[n.outputs[0]!]!.slice(1));
      this.layoutProblems = batchLayoutProblems(graph);
    } else {
      if (!config.original || !config.inputShape || !config.outputShape) {
        throw new InvalidArgumentError('an OnnxModel needs an IR graph or the original ONNX model with its shapes');
      }
      this.inputShape = [...config.inputShape];
      this.outputShape = [...config.outputShape];
      this.layerNames = [];
    }
    if (graph && config.cacheDir) {
      const versions = (config.runtime.ort.env as { versions?: Record<string, string> } | undefined)?.versions ?? {};
      this.diskCache = new DiskCache(config.cacheDir, graph, config.runtime.name, JSON.stringify(versions));
    }
    const fd = !graph && config.finiteDifferenceFallback === true;
    const blocking = [...new Set(config.blockingOps ?? [])];
    this.capabilities = { gradients: !!graph || fd, layers: !!graph, rules: !!graph };
    this.capabilityReport = {
      complete: !!graph,
      blockingOps: graph ? [] : blocking,
      gradients: graph ? 'emitted' : fd ? 'finite-differences' : 'unavailable',
      summary: graph
        ? 'complete: gradients, layers and rules run as emitted ONNX graphs'
        : `forward-only: gradients blocked by ${blocking.length ? blocking.join(', ') : 'an incomplete import'}` +
          (config.blockingReasons?.length ? ` (${config.blockingReasons.join('; ')})` : '') +
          (fd ? '; gradient() uses central finite differences (explicit opt-in; approximate, no layers or rules)' : ''),
    };
  }

  /**
   * The layer (IR node) a name stands for: a node name as is; for imported models also an ONNX
   * node or tensor name, or a PyTorch module path (`layer4`, `layer2.1.conv2`, `features.18`).
   * UnknownLayerError (nearest names), FoldedLayerError (a module the exporter folded away: it
   * names the node carrying its output), CapabilityError (forward-only model).
   */
  resolveLayer(name: string): string {
    if (!this.capabilities.layers) this.require('layers', 'resolveLayer');
    return resolveLayers([name], this.layerNames, this.config.resolveLayer)[0]!;
  }

  /** Number of ONNX Runtime sessions created so far (cache misses). */
  get sessionsCreated(): number {
    return this.sessions.created;
  }

  /** The on-disk model cache's counters: entries read and written by this model (undefined when off). */
  get diskCacheStats(): { readonly dir: string; readonly hits: number; readonly writes: number } | undefined {
    const d = this.diskCache;
    return d ? { dir: d.dir, hits: d.hits, writes: d.writes } : undefined;
  }

  /** Number of sessions released to keep at most `maxSessions` (least recently used first). */
  get sessionsEvicted(): number {
    return this.sessions.evicted;
  }

  /** Number of sessions currently held. */
  get sessionsHeld(): number {
    return this.sessions.size;
  }

  async forward(x: Tensor, options: CallOptions = {}): Promise<Tensor> {
    const n = checkModelInput(x, this.inputShape, options.signal, this.disposed);
    const parts: Tensor[] = [];
    for (const [s, e] of balancedRanges(n, this.forwardChunk())) {
      throwIfAborted(options.signal);
      parts.push(await this.forwardRows(n === e - s ? x : sliceBatch(x, s, e)));
    }
    return cat(parts);
  }

  async activations(x: Tensor, layers: readonly string[], options: CallOptions = {}): Promise<ActivationResult> {
    const n = checkModelInput(x, this.inputShape, options.signal, this.disposed);
    this.require('layers', 'activations');
    const nodes = resolveLayers(layers, this.layerNames, this.config.resolveLayer);
    checkBatchMajor(layers, nodes, this.layoutProblems);
    const unique = [...new Set(nodes)];
    const parts: { outputs: Tensor; layers: Record<string, Tensor> }[] = [];
    for (const [s, e] of balancedRanges(n, this.config.maxBatch)) {
      throwIfAborted(options.signal);
      const xs = n === e - s ? x : sliceBatch(x, s, e);
      const key = `act|${e - s}|${JSON.stringify(unique)}`;
      const { session, meta, unpin } = await this.session(key, () => emitForwardModel(this.config.graph!, { batch: e - s, layers: unique }), FORWARD_ONLY);
      const em = meta.emitted!;
      const names = [em.outputs.outputs, ...unique.map((l) => em.outputs.layers[l]!.activation)];
      const r = await this.run(session, { [em.inputs.x]: xs }, names, unpin);
      const taps: Record<string, Tensor> = {};
      unique.forEach((l) => (taps[l] = r[em.outputs.layers[l]!.activation]!));
      parts.push({ outputs: r[em.outputs.outputs]!, layers: taps });
    }
    const out: Record<string, Tensor> = {};
    layers.forEach((name, i) => (out[name] = cat(parts.map((p) => p.layers[nodes[i]!]!))));
    return { outputs: cat(parts.map((p) => p.outputs)), layers: out };
  }

  async gradient(x: Tensor, request: GradientRequest): Promise<GradientResult> {
    if (request === null || typeof request !== 'object') throw new InvalidArgumentError('gradient needs a request object');
    const n = checkModelInput(x, this.inputShape, request.signal, this.disposed);
    this.require('gradients', 'gradient');
    const seed = outputSeedTensor(request.seed, n, this.outputShape);
    if (!this.config.graph) return this.finiteDifferences(x, seed, request);
    const requested = request.layers ?? [];
    const canon = this.canonizedGraph(request);
    // Canonized graphs are addressed by their own node names (no ONNX tensor-name resolution).
    const resolve = canon.graph === this.config.graph ? this.config.resolveLayer : undefined;
    const layers = resolveLayers(requested, canon.layerNames, resolve);
    checkBatchMajor(requested, layers, this.layoutProblems);
    const overrideEntries = Object.entries(request.overrides ?? {});
    const overrideNodes = resolveLayers(
      overrideEntries.map(([k]) => k),
      canon.layerNames,
      resolve,
    );
    checkBatchMajor(overrideEntries.map(([k]) => k), overrideNodes, this.layoutProblems);
    checkRequestTensors(x, request);
    overrideEntries.forEach(([name, t], i) => {
      const want = [n, ...canon.layerShapes.get(overrideNodes[i]!)!];
      if (fmt(t.shape) !== fmt(want)) throw new ShapeError(`override for layer ${name} has shape ${fmt(t.shape)}, expected ${fmt(want)}`);
    });
    if (new Set(overrideNodes).size !== overrideNodes.length) throw new InvalidArgumentError('two overrides name the same layer');
    const rules = request.rules;
    const secant = Object.values(rules ?? {}).some((r) => !!r && ruleNeedsReference(r));
    const useReference = secant && request.reference !== undefined;
    const uniqueLayers = [...new Set(layers)];
    const rulesKey = rules ? JSON.stringify(rules) : '';

    const parts: GradientResult[] = [];
    for (const [s, e] of balancedRanges(n, this.config.maxBatch)) {
      throwIfAborted(request.signal);
      const rows = (t: Tensor) => (n === e - s ? t : sliceBatch(t, s, e));
      const batch = e - s;
      const key = `grad|${batch}|${canon.key}|${JSON.stringify(uniqueLayers)}|${JSON.stringify(overrideNodes)}|${rulesKey}|${useReference}`;
      const { session, meta, unpin } = await this.session(key, () =>
        emitGradientModel(canon.graph, {
          batch,
          layers: uniqueLayers,
          overrides: overrideNodes,
          ...(rules ? { rules } : {}),
          reference: useReference,
        }),
      );
      const em = meta.emitted!;
      const feeds: Record<string, Tensor> = { [em.inputs.x]: rows(x), [em.inputs.seed!]: rows(seed) };
      overrideEntries.forEach(([, t], i) => (feeds[em.inputs.overrides[overrideNodes[i]!]!] = rows(t)));
      if (useReference) feeds[em.inputs.reference!] = rows(request.reference!);
      const outNames = [
        em.outputs.outputs,
        em.outputs.inputGradient!,
        ...uniqueLayers.flatMap((l) => [em.outputs.layers[l]!.activation, em.outputs.layers[l]!.gradient!]),
      ];
      const r = await this.run(session, feeds, outNames, unpin);
      const taps: Record<string, LayerTap> = {};
      uniqueLayers.forEach((l) => (taps[l] = { activation: r[em.outputs.layers[l]!.activation]!, gradient: r[em.outputs.layers[l]!.gradient!]! }));
      parts.push({ outputs: r[em.outputs.outputs]!, inputGradient: r[em.outputs.inputGradient!]!, layers: taps });
    }
    const taps: Record<string, LayerTap> = {};
    requested.forEach((name, i) => {
      const node = layers[i]!;
      taps[name] = { activation: cat(parts.map((p) => p.layers[node]!.activation)), gradient: cat(parts.map((p) => p.layers[node]!.gradient)) };
    });
    return { outputs: cat(parts.map((p) => p.outputs)), inputGradient: cat(parts.map((p) => p.inputGradient)), layers: taps };
  }

  /** Releases every cached session (after runs in flight); idempotent. Later calls reject. */
  dispose(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.disposed = true;
    const done = this.queue.then(
      () => this.sessions.releaseAll(),
      () => this.sessions.releaseAll(),
    );
    this.queue = done;
    return done;
  }

  // ---- internals ----

  /** The graph a gradient request runs on: the model's, or its canonized version (built once per canonizer list). */
  private canonizedGraph(request: GradientRequest): { key: string; graph: Graph; layerNames: readonly string[]; layerShapes: ReadonlyMap<string, readonly number[]> } {
    const base = this.config.graph!;
    if (!request.canonizers || request.canonizers.length === 0) {
      return { key: '', graph: base, layerNames: this.layerNames, layerShapes: this.layerShapes };
    }
    const key = canonizerKey(request.canonizers);
    let c = this.canonized.get(key);
    if (!c) {
      const graph = applyCanonizers(base, request.canonizers);
      const shapes = inferGraphShapes(graph);
      const layerShapes = new Map(graph.nodes.map((nd) => [nd.name, shapes[nd.outputs[0]!]!.slice(1)] as [string, readonly number[]]));
      c = { graph, layerNames: graph.nodes.map((nd) => nd.name), layerShapes };
      this.canonized.set(key, c);
    }
    return { key, ...c };
  }

  private require(cap: keyof Capabilities, what: string): void {
    if (this.capabilities[cap]) return;
    const reasons = this.config.blockingReasons?.length ? ` (${this.config.blockingReasons.join('; ')})` : '';
    const why = this.capabilityReport.blockingOps.length
      ? `unsupported ONNX op(s) ${this.capabilityReport.blockingOps.join(', ')} block ${cap}${reasons}`
      : `the model has no IR graph for ${cap}${reasons}`;
    throw new CapabilityError(`${what}() is unavailable on this forward-only ONNX model: ${why}` +
      (cap === 'gradients' ? ' (pass finiteDifferenceFallback: true to fromOnnx for approximate gradients)' : ''));
  }

  private forwardChunk(): number {
    return this.config.original?.fixedBatch ?? this.config.maxBatch;
  }

  /** The cached session for `key`, pinned until the `unpin` passed to `run` (or called on failure). */
  private session(key: string, emit: () => EmittedModel, options: { readonly spinning: boolean } = GRADIENT) {
    return this.pinned(key, () => this.createEmitted(key, emit, options));
  }

  /** The cached session `key` (made by `create` when absent), pinned; refused once the model is disposed. */
  private async pinned(key: string, create: () => Promise<{ session: InferenceSession; meta: SessionMeta }>) {
    if (this.disposed) throw new InvalidArgumentError('the model has been disposed');
    const entry = await this.sessions.acquire(key, create);
    if (this.disposed) {
      entry.unpin();
      throw new InvalidArgumentError('the model has been disposed');
    }
    return entry;
  }

  /** A session for an emitted model: from the disk cache when it holds one, else emitted (and stored). */
  private async createEmitted(key: string, emit: () => EmittedModel, options: { readonly spinning: boolean }): Promise<{ session: InferenceSession; meta: SessionMeta }> {
    const { session, emitted } = await emittedSession(this.config.runtime, this.diskCache, key, emit, options);
    return { session, meta: { emitted } };
  }

  /** Forward of at most one chunk of rows. */
  private async forwardRows(x: Tensor): Promise<Tensor> {
    const orig = this.config.original;
    const n = x.shape[0]!;
    if (orig) {
      const fixed = orig.fixedBatch;
      const xs = fixed !== undefined && fixed !== n ? padRows(x, fixed) : x;
      const { session, unpin } = await this.sessionOf('original', orig.bytes);
      const r = await this.run(session, { [orig.inputName]: xs }, [orig.outputName], unpin);
      const y = r[orig.outputName]!;
      const want = [xs.shape[0]!, ...this.outputShape];
      if (sizeOf(y.shape) !== sizeOf(want)) {
        throw new ShapeError(`the ONNX model returned ${fmt(y.shape)} for input ${fmt(xs.shape)}, expected ${fmt(want)}`);
      }
      const shaped = { shape: want, data: y.data };
      return xs === x ? shaped : sliceBatch(shaped, 0, n);
    }
    const { session, meta, unpin } = await this.session(`fwd|${n}`, () => emitForwardModel(this.config.graph!, { batch: n }), FORWARD_ONLY);
    const em = meta.emitted!;
    const r = await this.run(session, { [em.inputs.x]: x }, [em.outputs.outputs], unpin);
    return r[em.outputs.outputs]!;
  }

  private sessionOf(key: string, bytes: Uint8Array) {
    const orig = this.config.original;
    // The original model goes through the disk cache too (ORT's optimisation of it is skipped on a hit).
    return this.pinned(key, async () =>
      this.diskCache && orig
        ? this.createEmitted(key, () => ({ bytes, inputs: { x: orig.inputName, overrides: {} }, outputs: { outputs: orig.outputName, layers: {} }, nodeCount: 0 }), FORWARD_ONLY)
        : { session: await this.config.runtime.createSession(bytes, FORWARD_ONLY), meta: {} },
    );
  }

  /** Runs on the serial queue; `unpin` (the session's pin) is called once the run has settled. */
  private run(
    session: InferenceSession,
    feeds: Record<string, Tensor>,
    outputs: readonly string[],
    unpin: () => void,
  ): Promise<Record<string, Tensor>> {
    const job = this.queue.then(
      () => {
        if (this.disposed) throw new InvalidArgumentError('the model has been disposed');
        return this.config.runtime.run(session, feeds, outputs);
      },
    );
    this.queue = job.catch(() => undefined);
    return job.finally(unpin);
  }

  private async finiteDifferences(x: Tensor, seed: Tensor, request: GradientRequest): Promise<GradientResult> {
    if ((request.layers?.length ?? 0) > 0 || Object.keys(request.overrides ?? {}).length > 0 || request.rules || request.canonizers?.length) {
      throw new CapabilityError('finite-difference gradients support neither layers, overrides, rules nor canonizers on this forward-only ONNX model');
    }
    for (const t of [x, seed]) checkModelTensor(t, 'input');
    const outputs = await this.forward(x, request.signal ? { signal: request.signal } : {});
    const inputGradient = await finiteDifferenceGradient((xs) => this.forward(xs, request.signal ? { signal: request.signal } : {}), x, seed, {
      maxBatch: this.config.maxBatch,
      ...(request.signal ? { signal: request.signal } : {}),
    });
    return { outputs, inputGradient, layers: {} };
  }
}
