/**
 * The ONNX model-compatibility corpus (fixtures/corpus, written by tools/onnx-corpus/make_corpus.py):
 * each model's metadata, its recorded input, ONNX Runtime's own plain inference of the original
 * file (onnxruntime-node InferenceSession on the path, external data resolved by ORT itself: the
 * reference for "predicts what its runtime predicts"), and the layer the layer methods use.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { inferGraphShapes, type Graph, type Tensor } from '@glasswing/core';
import { batchLayoutProblems } from '../../src/model/batch-major.js';

export interface Recorded {
  readonly shape: number[];
  readonly data: number[];
}

export interface CorpusFixture {
  readonly name: string;
  readonly about: string;
  readonly model: string;
  readonly externalData: string | null;
  readonly exporter: 'torchscript' | 'dynamo';
  readonly opset: number;
  readonly batch: string;
  readonly ops: string[];
  readonly input: { shape: number[]; formula: string };
  readonly target: number[];
  readonly torchOutputs: Recorded;
  /** Captum's 50-step Gauss–Legendre IG: Σ attributions and convergence deltas per example (float64). */
  readonly captumIG50: { sums: number[]; deltas: number[] };
  readonly captum?: { saliency: Recorded; integratedGradients: Recorded & { steps: number; method: string } };
}

export const CORPUS_DIR = new URL('../fixtures/corpus/', import.meta.url);
export const corpusPath = (file: string): string => fileURLToPath(new URL(file, CORPUS_DIR));

export function corpusFixtures(): CorpusFixture[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(corpusPath(f), 'utf8')) as Omit<CorpusFixture, 'name'>) }));
}

/** The recorded input: x[n, c, h, w] = float32(sin(0.21·h·(1 + 0.3·n) + c) · cos(0.17·w + 0.5·c + n)). */
export function inputOf(f: CorpusFixture, rows = f.input.shape[0]!): Tensor {
  const [, channels, height, width] = f.input.shape as [number, number, number, number];
  const data = new Float32Array(rows * channels * height * width);
  let k = 0;
  for (let n = 0; n < rows; n++)
    for (let c = 0; c < channels; c++)
      for (let h = 0; h < height; h++) for (let w = 0; w < width; w++) data[k++] = Math.sin(0.21 * h * (1 + 0.3 * n) + c) * Math.cos(0.17 * w + 0.5 * c + n);
  return { shape: [rows, channels, height, width], data };
}

/** ONNX Runtime (node) on the original file, row by row for a fixed-batch model. */
export async function ortReference(f: CorpusFixture, x: Tensor): Promise<Tensor> {
  const session = await ort.InferenceSession.create(corpusPath(f.model));
  try {
    const fixed = f.batch.startsWith('fixed');
    const per = x.data.length / x.shape[0]!;
    const parts: Float32Array[] = [];
    let outShape: number[] = [];
    const chunks = fixed ? Array.from({ length: x.shape[0]! }, (_, i) => [i, i + 1] as const) : [[0, x.shape[0]!] as const];
    for (const [s, e] of chunks) {
      const input = new ort.Tensor('float32', x.data.slice(s * per, e * per), [e - s, ...x.shape.slice(1)]);
      const r = await session.run({ [session.inputNames[0]!]: input });
      const y = r[session.outputNames[0]!]!;
      outShape = [...y.dims];
      parts.push(Float32Array.from(y.data as Float32Array));
    }
    const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      data.set(p, o);
      o += p.length;
    }
    return { shape: [x.shape[0]!, ...outShape.slice(1)], data };
  } finally {
    await session.release();
  }
}

/** The target's output per example. */
export function targetValues(y: Tensor, targets: readonly number[]): number[] {
  const per = y.data.length / y.shape[0]!;
  return targets.map((t, i) => y.data[i * per + t]!);
}

/** Σ of each example's values. */
export function sumRows(t: Tensor): number[] {
  const n = t.shape[0]!;
  const per = t.data.length / n;
  return Array.from({ length: n }, (_, i) => t.data.subarray(i * per, (i + 1) * per).reduce((a, v) => a + v, 0));
}

/** max |a − e| / max |e| (errors relative to the tensor's scale). */
export function relError(actual: Tensor, expected: { shape: readonly number[]; data: ArrayLike<number> }): number {
  if (actual.shape.join() !== expected.shape.join()) return Infinity;
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    scale = Math.max(scale, Math.abs(expected.data[i]!));
    worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  }
  return scale === 0 ? worst : worst / scale;
}

/**
 * The layers the layer methods attribute to: `spatial`, the last batch-major layer of rank 4 with
 * more than one position before any token layer (a CNN's last feature map before its global
 * pool; a ViT's patch embedding), and `tokens`, the last batch-major rank-3 layer after it (a ViT's final LayerNorm).
 */
export function methodLayers(graph: Graph): { spatial: string; tokens?: string } {
  const shapes = inferGraphShapes(graph);
  const problems = batchLayoutProblems(graph);
  const major = graph.nodes.filter((n) => !problems.has(n.name));
  const rank = (n: { outputs: readonly string[] }) => shapes[n.outputs[0]!]!.length;
  // Rank-4 layers after the first token layer are attention internals ([N, heads, L, d]), not feature maps.
  const firstTokens = major.findIndex((n) => rank(n) === 3);
  const maps = firstTokens < 0 ? major : major.slice(0, firstTokens);
  const spatial = maps.filter((n) => rank(n) === 4 && shapes[n.outputs[0]!]!.slice(2).reduce((a, d) => a * d, 1) > 1);
  const last = spatial[spatial.length - 1]!;
  const after = major.slice(major.indexOf(last) + 1).filter((n) => rank(n) === 3);
  return { spatial: last.name, ...(after.length > 0 ? { tokens: after[after.length - 1]!.name } : {}) };
}

/** A layer whose first dimension is not the batch alone (inside an attention block), if any. */
export function notBatchMajorLayer(graph: Graph): string | undefined {
  return [...batchLayoutProblems(graph).keys()][0];
}

const PRODUCT_OPS = new Set(['Mul', 'Div', 'MatMul', 'Gemm', 'Pow']);
const NON_ELEMENTWISE = new Set(['Softmax', 'LogSoftmax', 'LayerNormalization']);

/**
 * Whether DeepLIFT's rules are exact on the graph (summation-to-delta holds): only linear ops,
 * element-wise activations and max pools; no product of two input-dependent tensors (SE blocks,
 * attention) and no softmax or LayerNorm, where DeepLIFT (as Captum) falls back to gradients.
 */
export function deepLiftExact(graph: Graph): boolean {
  const consts = new Set(Object.keys(graph.initializers));
  return !graph.nodes.some(
    (n) => NON_ELEMENTWISE.has(n.op) || (PRODUCT_OPS.has(n.op) && n.inputs.filter((i) => i !== '' && !consts.has(i)).length >= 2),
  );
}
