/**
 * `glasswing attention`: where a transformer looks. Finds the attention Softmax nodes of the
 * model's graph (or takes them from --layers), reads the attention probabilities and computes
 * raw attention, attention rollout, attention flow or gradient-weighted attention
 * (@glasswing/core internals). Writes JSON (stdout or --out) and, optionally, pictures: token ×
 * token heat maps (--png / --svg) and token-to-token arcs (--arcs).
 */
import {
  AttentionFlow,
  AttentionRollout,
  GradientWeightedAttention,
  InvalidArgumentError,
  RawAttention,
  ShapeError,
  sizeOf,
} from '@glasswing/core';
import type { AttentionResult, Model, Tensor } from '@glasswing/core';
import { attentionArcsPng, attentionArcsSvg, attentionHeatmapPng, attentionHeatmapSvg } from '@glasswing/viz';
import type { AttentionPanel } from '@glasswing/viz';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readJson, resolvePath, tensorFromJson, writeFile } from '../files.js';
import { asInterruption } from '../interrupt.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { progressBar } from '../progress.js';

export const ATTENTION_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  input: 'value',
  method: 'value',
  layers: 'value',
  target: 'value',
  query: 'value',
  vocab: 'value',
  example: 'value',
  'no-residual': 'switch',
  adapter: 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  arcs: 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export const ATTENTION_METHODS = ['raw', 'rollout', 'flow', 'grad-attention'] as const;
export type AttentionMethodName = (typeof ATTENTION_METHODS)[number];

export function attentionUsage(): string {
  return `Usage: glasswing attention --model <file> --input <tokens.json> [options]

Reads a transformer's attention probabilities (the Softmax nodes that follow a query-key MatMul,
found in the model's graph, or named with --layers) and computes:
  raw             attention per layer and head (relevance: the last layer's head mean)
  rollout         attention rollout (Abnar & Zuidema 2020): heads averaged, 0.5·A + 0.5·I,
                  rows normalised, multiplied over the layers (default)
  flow            attention flow (Abnar & Zuidema 2020): max-flow from each output token to each
                  input token through the layered attention graph, rows normalised to sum 1
  grad-attention  gradient-weighted attention (Chefer et al. 2021): R = I, R += mean_h
                  (∇A ⊙ A)⁺ · R per layer; needs gradients

Required:
  --model <file>            ONNX, Glasswing graph JSON or TensorFlow.js model
  --input <file.json>       {"tokens": [id, ...]} or {"tokens": [[id, ...], ...]} (token ids,
                            one-hot encoded for a model whose input is [T, vocabulary]), or the
                            model's input tensor itself ({"shape", "data"} or nested arrays)

Options:
  --method <m>              raw, rollout, flow or grad-attention (default rollout)
  --layers auto|<n1,n2,...> attention Softmax nodes (default auto: detected)
  --target <class>          class whose gradient weighs the attention (grad-attention;
                            default: each example's predicted class)
  --query <i>               token whose row gives the per-token scores (default 0, a [CLS] token)
  --vocab <file.json>       token labels: a JSON array of strings, or an object with "vocab"
                            (and optional "labels", class names)
  --no-residual             rollout / flow without the residual identity
  --example <i>             example drawn in the pictures (default 0)
  --png <file.png>          heat maps: raw = every layer × head, else the relevance matrix
  --svg <file.svg>          the same heat maps as SVG
  --arcs <file.png|.svg>    token-to-token arcs from the query token, tokens coloured by score
  --adapter <id>            reference, tfjs-cpu, tfjs-wasm, onnx-node, onnx-web, gpujs,
                            gpujs-cpu, gpujs-webasm or gpujs-headlessgl (default: the fastest
                            installed)
  --out <file.json>         write the JSON here instead of stdout
  --progress, --no-progress progress bar on stderr: always / never (default: on a terminal)
  -h, --help                show this help

Output JSON (format "glasswing-attention/1"): {"format", "method", "adapter", "query",
"layers": [{"index", "heads", "nodes": [{"name", "heads"}]}], "examples": [{"tokens",
"target", "outputs", "scores", "relevance", "attention"}]} where scores = row "query" of
relevance (T values), relevance is T×T (row = output token, column = input token) and
attention is [layer][head][T][T]; target is -1 except for grad-attention.
`;
}

export interface AttentionRequest {
  readonly model: string;
  readonly input: string;
  readonly method: AttentionMethodName;
  readonly layers?: readonly string[];
  readonly target?: number;
  readonly query: number;
  readonly vocab?: string;
  readonly example: number;
  readonly residual: boolean;
  readonly adapter?: AdapterId;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly arcs?: string;
  readonly progress?: boolean;
}

export function parseAttentionArgs(argv: readonly string[]): AttentionRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, ATTENTION_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'input']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  const method = v['method'] === undefined ? 'rollout' : parseChoice('method', v['method'], ATTENTION_METHODS);
  if (v['target'] !== undefined && method !== 'grad-attention') throw new UsageError(`--target applies to --method grad-attention only`);
  if (switches.has('no-residual') && method !== 'rollout' && method !== 'flow') throw new UsageError(`--no-residual applies to --method rollout or flow only`);
  if (v['arcs'] !== undefined && !/\.(png|svg)$/i.test(v['arcs'])) throw new UsageError(`--arcs must name a .png or .svg file, got '${v['arcs']}'`);
  const layers = v['layers'] === undefined || v['layers'] === 'auto' ? undefined : v['layers'].split(',').map((s) => s.trim());
  if (layers?.some((l) => l === '')) throw new UsageError(`--layers has an empty node name: '${v['layers']}'`);
  const progress = parseProgressSwitches(switches);
  return {
    model: v['model']!,
    input: v['input']!,
    method,
    ...(layers ? { layers } : {}),
    ...(v['target'] !== undefined ? { target: parseInteger('target', v['target'], 0) } : {}),
    query: v['query'] === undefined ? 0 : parseInteger('query', v['query'], 0),
    ...(v['vocab'] !== undefined ? { vocab: v['vocab'] } : {}),
    example: v['example'] === undefined ? 0 : parseInteger('example', v['example'], 0),
    residual: !switches.has('no-residual'),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['out'] !== undefined ? { out: v['out'] } : {}),
    ...(v['png'] !== undefined ? { png: v['png'] } : {}),
    ...(v['svg'] !== undefined ? { svg: v['svg'] } : {}),
    ...(v['arcs'] !== undefined ? { arcs: v['arcs'] } : {}),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/** Vocabulary and class names from --vocab (array, or {"vocab", "labels"}). */
export function readVocab(path: string): { vocab: string[]; labels?: string[] } {
  const json = readJson(path, 'vocabulary file');
  const strings = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new InvalidArgumentError(`vocabulary file '${path}': ${what} must be an array of strings`);
    return v as string[];
  };
  if (Array.isArray(json)) return { vocab: strings(json, 'the file') };
  if (json && typeof json === 'object' && 'vocab' in json) {
    const o = json as { vocab: unknown; labels?: unknown };
    return { vocab: strings(o.vocab, '"vocab"'), ...(o.labels !== undefined ? { labels: strings(o.labels, '"labels"') } : {}) };
  }
  throw new InvalidArgumentError(`vocabulary file '${path}' must be a JSON array of strings or an object with "vocab"`);
}

/** The model input and each example's token ids (null when the input gives no ids). */
export function attentionInput(json: unknown, model: Model, what: string): { x: Tensor; ids: (number[] | null)[] } {
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'tokens' in json) {
    const raw = (json as { tokens: unknown }).tokens;
    const rows = Array.isArray(raw) && raw.length > 0 && Array.isArray(raw[0]) ? (raw as unknown[]) : [raw];
    const [t, v] = model.inputShape;
    if (model.inputShape.length !== 2) throw new ShapeError(`${what} gives token ids, but the model input [${model.inputShape.join(', ')}] is not one-hot tokens [T, vocabulary]`);
    const ids = rows.map((r, i) => {
      if (!Array.isArray(r) || r.some((id) => !Number.isInteger(id))) throw new InvalidArgumentError(`${what}: "tokens" example ${i} must be an array of integer ids`);
      if (r.length !== t) throw new ShapeError(`${what}: example ${i} has ${r.length} tokens; the model takes ${t}`);
      const bad = (r as number[]).find((id) => id < 0 || id >= v!);
      if (bad !== undefined) throw new InvalidArgumentError(`${what}: example ${i} has token id ${bad}, outside the vocabulary [0, ${v! - 1}]`);
      return r as number[];
    });
    const data = new Float32Array(ids.length * t! * v!);
    ids.forEach((r, i) => r.forEach((id, p) => (data[(i * t! + p) * v! + id] = 1)));
    return { x: { shape: [ids.length, t!, v!], data }, ids };
  }
  const x = asBatch(tensorFromJson(json, what), model.inputShape, 'input');
  // A one-hot [T, V] input still names its tokens.
  const ids = Array.from({ length: x.shape[0]! }, (_, i) => oneHotIds(x, i));
  return { x, ids };
}

function oneHotIds(x: Tensor, i: number): number[] | null {
  if (x.shape.length !== 3) return null;
  const t = x.shape[1]!;
  const v = x.shape[2]!;
  const ids: number[] = [];
  for (let p = 0; p < t; p++) {
    const row = x.data.subarray((i * t + p) * v, (i * t + p + 1) * v);
    let ones = 0;
    let at = -1;
    for (let k = 0; k < v; k++) {
      if (row[k] === 1) [ones, at] = [ones + 1, k];
      else if (row[k] !== 0) return null;
    }
    if (ones !== 1) return null;
    ids.push(at);
  }
  return ids;
}

function tokenLabels(ids: number[] | null, t: number, vocab: string[] | undefined): string[] {
  if (!ids) return Array.from({ length: t }, (_, p) => String(p));
  return ids.map((id) => vocab?.[id] ?? String(id));
}

async function runMethod(model: Model, x: Tensor, req: AttentionRequest, opts: { signal?: AbortSignal; onProgress: (p: { done: number; total: number }) => void }): Promise<AttentionResult> {
  const common = { ...(req.layers ? { nodes: req.layers } : {}), query: req.query, ...opts };
  switch (req.method) {
    case 'raw':
      return new RawAttention(model).attribute(x, common);
    case 'rollout':
      return new AttentionRollout(model).attribute(x, { ...common, residual: req.residual });
    case 'flow':
      return new AttentionFlow(model).attribute(x, { ...common, residual: req.residual });
    case 'grad-attention':
      return new GradientWeightedAttention(model).attribute(x, { ...common, ...(req.target !== undefined ? { target: req.target } : {}) });
  }
}

const METHOD_TITLES: Record<AttentionMethodName, string> = {
  raw: 'Raw attention',
  rollout: 'Attention rollout',
  flow: 'Attention flow',
  'grad-attention': 'Gradient-weighted attention',
};

/** Heat-map panels of example i: raw = every layer × head, else the relevance matrix. */
export function attentionPanels(res: AttentionResult, i: number): AttentionPanel[] {
  const t = res.relevance.shape[1]!;
  const tt = t * t;
  if (res.method !== 'raw') return [{ title: 'relevance: output token × input token', matrix: res.relevance.data.subarray(i * tt, (i + 1) * tt) }];
  const [, L, H] = res.attention.shape as [number, number, number];
  const panels: AttentionPanel[] = [];
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < res.layers[l]!.heads; h++) {
      const o = ((i * L + l) * H + h) * tt;
      panels.push({ title: `layer ${l} · head ${h}`, matrix: res.attention.data.subarray(o, o + tt) });
    }
  }
  return panels;
}

function rowsOf(data: Float32Array, t: number): number[][] {
  return Array.from({ length: data.length / t }, (_, r) => Array.from(data.subarray(r * t, (r + 1) * t)));
}

export function attentionJson(res: AttentionResult, tokens: string[][], adapter: string): unknown {
  const [n, L, H, t] = res.attention.shape as [number, number, number, number];
  const per = sizeOf(res.outputs.shape.slice(1));
  const tt = t * t;
  return {
    format: 'glasswing-attention/1',
    method: res.method,
    adapter,
    query: res.query,
    layers: res.layers.map((l) => ({ index: l.index, heads: l.heads, nodes: l.nodes.map((nd) => ({ name: nd.name, heads: nd.heads })) })),
    examples: Array.from({ length: n }, (_, i) => ({
      tokens: tokens[i],
      target: res.targets[i],
      outputs: Array.from(res.outputs.data.subarray(i * per, (i + 1) * per)),
      scores: Array.from(res.scores.data.subarray(i * t, (i + 1) * t)),
      relevance: rowsOf(res.relevance.data.subarray(i * tt, (i + 1) * tt), t),
      attention: Array.from({ length: L }, (_, l) =>
        Array.from({ length: res.layers[l]!.heads }, (_, h) => rowsOf(res.attention.data.subarray(((i * L + l) * H + h) * tt, ((i * L + l) * H + h + 1) * tt), t)),
      ),
    })),
  };
}

export async function runAttention(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseAttentionArgs(argv);
  if (req === 'help') {
    io.out(attentionUsage());
    return 0;
  }
  const vocab = req.vocab !== undefined ? readVocab(resolvePath(io.cwd, req.vocab)) : undefined;
  const inputPath = resolvePath(io.cwd, req.input);
  const inputJson = readJson(inputPath, 'input file');
  const requires = req.method === 'grad-attention' ? { gradients: true, layers: true } : { layers: true };
  const { model, choice } = await openModel(resolvePath(io.cwd, req.model), req.adapter, { requires });
  try {
    const { x, ids } = attentionInput(inputJson, model, `input file '${inputPath}'`);
    if (req.example >= x.shape[0]!) throw new UsageError(`--example ${req.example} is out of range: the input has ${x.shape[0]} examples`);
    const bar = progressBar('attention', req.progress === undefined ? io : { ...io, progress: req.progress });
    const signal = io.interruption?.signal;
    const started = Date.now();
    const work = () => runMethod(model, x, req, { ...(signal ? { signal } : {}), onProgress: (p) => bar.update(p.done, p.total) });
    let res: AttentionResult;
    try {
      res = await (io.interruption ? io.interruption.during(work) : work());
    } catch (err) {
      bar.stop();
      throw asInterruption(err, signal, bar, `attention on ${choice.adapter}`);
    }
    const t = res.relevance.shape[1]!;
    const tokens = ids.map((r) => tokenLabels(r, t, vocab?.vocab));
    const nHeads = res.layers.reduce((s, l) => s + l.heads, 0);
    bar.finish(`attention (${req.method}): ${x.shape[0]} examples, ${res.layers.length} layers, ${nHeads} heads, ${((Date.now() - started) / 1000).toFixed(1)} s ${describeChoice(choice)}`);
    const json = JSON.stringify(attentionJson(res, tokens, choice.adapter));
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    const i = req.example;
    const label = res.method === 'grad-attention' && vocab?.labels ? ` (class ${vocab.labels[res.targets[i]!] ?? res.targets[i]})` : '';
    const heat = { tokens: tokens[i]!, title: `${METHOD_TITLES[res.method]} · example ${i}${label}`, ...(res.method === 'raw'
        ? { max: 1, columns: Math.max(...res.layers.map((l) => l.heads)) }
        : { offDiagonalScale: true, label: 'relevance (scale: largest off-diagonal value; the diagonal is clipped)' }) };
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), attentionHeatmapPng(attentionPanels(res, i), heat), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), attentionHeatmapSvg(attentionPanels(res, i), heat), 'SVG file');
    if (req.arcs !== undefined) {
      const m = res.relevance.data.subarray(i * t * t, (i + 1) * t * t);
      const arcs = { title: `${METHOD_TITLES[res.method]} from token ${res.query} ${tokens[i]![res.query]} · example ${i}${label}`, queries: [res.query] };
      const path = resolvePath(io.cwd, req.arcs);
      writeFile(path, /\.svg$/i.test(req.arcs) ? attentionArcsSvg(tokens[i]!, m, arcs) : attentionArcsPng(tokens[i]!, m, arcs), 'arcs file');
    }
    return 0;
  } finally {
    await model.dispose();
  }
}
