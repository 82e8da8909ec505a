/**
 * `glasswing clusters`: activation clustering (core `ActivationClustering`) — k-means over a
 * layer's activations on a dataset, k by silhouette or given, exemplars, purity against labels,
 * a 2-D map (PCA in core, or UMAP via umap-js, seeded). JSON out; PNG/SVG map and exemplar grid.
 */
import { ActivationClustering, InvalidArgumentError, createRng, type ActivationClusteringResult, type Tensor } from '@glasswing/core';
import { clusterMapPng, clusterMapSvg, clusterExemplarGridPng, clusterExemplarGridSvg } from '@glasswing/viz';
import { UMAP } from 'umap-js';
import { describeChoice } from '../adapter-choice.js';
import { PROGRESS_FLAGS, UsageError, parseChoice, parseFlags, parseInteger, parseProgressSwitches } from '../args.js';
import type { FlagKind } from '../args.js';
import { asBatch, readTensorFile, resolvePath, writeFile } from '../files.js';
import type { ResolvedIO } from '../io.js';
import { ADAPTERS, imageLayout, openModel } from '../model-file.js';
import type { AdapterId } from '../model-file.js';
import { parseRange, readLabels, withProgress } from './internals-args.js';

export const CLUSTERS_FLAGS: Readonly<Record<string, FlagKind>> = {
  model: 'value',
  layer: 'value',
  input: 'value',
  labels: 'value',
  'label-names': 'value',
  k: 'value',
  'k-range': 'value',
  pool: 'value',
  map: 'value',
  exemplars: 'value',
  seed: 'value',
  adapter: 'value',
  'internal-batch-size': 'value',
  out: 'value',
  png: 'value',
  svg: 'value',
  'exemplars-png': 'value',
  'exemplars-svg': 'value',
  ...PROGRESS_FLAGS,
  help: 'switch',
};

export const MAPS = ['pca', 'umap'] as const;
export const POOLS = ['flatten', 'spatial-mean'] as const;

export function clustersUsage(): string {
  return `Usage: glasswing clusters --model <file> --layer <name> --input <data.json> [options]

Activation clustering: the layer's activations over the examples (streamed in batches, one
feature row kept per example) are clustered by k-means (k-means++ starts, seeded), k given or
chosen by the mean silhouette; per cluster its size, exemplars (members nearest the centroid)
and, with --labels, its majority label and the purity; a 2-D map for the picture.

Required:
  --model <file>            TensorFlow.js LayersModel model.json, Glasswing graph JSON or ONNX
  --layer <name>            the layer (as for 'attribute --layer')
  --input <file.json>       the examples (same formats as 'attribute --input')

Options:
  --labels <file>           true label per example: a JSON array of integers or a one-column
                            CSV; gives purity, majority labels and marker shapes on the map
  --label-names <a,b,...>   names of labels 0, 1, ... on the map's legend
  --k <n>                   number of clusters (default: chosen by silhouette over --k-range)
  --k-range <a..b>          k tried by silhouette (default 2..8, at most N − 1)
  --pool flatten|spatial-mean
                            feature per example: every activation value (default), or for
                            rank-3 (conv) activations the mean over positions, one per channel
  --map pca|umap            the 2-D map: PCA (default) or UMAP (umap-js, seeded)
  --exemplars <n>           exemplars per cluster (default 5)
  --seed <n>                random seed (default 0): k-means++ starts, UMAP
  --adapter <id>            as for 'glasswing attribute' (default: the fastest installed)
  --internal-batch-size <n> most rows per model call (does not change results)
  --out <file.json>         write the JSON here instead of stdout
  --png <file.png>          the cluster map (colour = cluster, marker shape = true label)
  --svg <file.svg>          the same map as SVG
  --exemplars-png <file>    image inputs: one row of exemplar images per cluster (PNG)
  --exemplars-svg <file>    the same grid as SVG
  --progress, --no-progress progress bar with ETA on stderr: always / never (default: when
                            stderr is a terminal)
  -h, --help                show this help

Output JSON: {"adapter", "layer", "pool", "dim", "k", "silhouette", "silhouettes": [{"k",
"silhouette"}], "assignments", "sizes", "exemplars", ["purity", "clusterLabels",] "map":
{"method", "points": [[x, y], ...], "explainedRatio" (PCA)}, "inertia", "seed", "modelCalls"}.
`;
}

export interface ClustersRequest {
  readonly model: string;
  readonly layer: string;
  readonly input: string;
  readonly labels?: string;
  readonly labelNames?: string[];
  readonly k?: number;
  readonly kRange?: [number, number];
  readonly pool: (typeof POOLS)[number];
  readonly map: (typeof MAPS)[number];
  readonly exemplars: number;
  readonly seed: number;
  readonly adapter?: AdapterId;
  readonly internalBatchSize?: number;
  readonly out?: string;
  readonly png?: string;
  readonly svg?: string;
  readonly exemplarsPng?: string;
  readonly exemplarsSvg?: string;
  readonly progress?: boolean;
}

export function parseClustersArgs(argv: readonly string[]): ClustersRequest | 'help' {
  const { values: v, switches, positionals } = parseFlags(argv, CLUSTERS_FLAGS);
  if (switches.has('help')) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  for (const name of ['model', 'layer', 'input']) if (v[name] === undefined) throw new UsageError(`missing required option --${name}`);
  if (v['k'] !== undefined && v['k-range'] !== undefined) throw new UsageError('--k and --k-range contradict each other; give one');
  const progress = parseProgressSwitches(switches);
  const opt = (name: string, key: string) => (v[name] !== undefined ? { [key]: v[name] } : {});
  return {
    model: v['model']!,
    layer: v['layer']!,
    input: v['input']!,
    ...opt('labels', 'labels'),
    ...(v['label-names'] !== undefined ? { labelNames: v['label-names'].split(',').map((s) => s.trim()) } : {}),
    ...(v['k'] !== undefined ? { k: parseInteger('k', v['k'], 1) } : {}),
    ...(v['k-range'] !== undefined ? { kRange: parseRange('k-range', v['k-range']) } : {}),
    pool: v['pool'] === undefined ? 'flatten' : parseChoice('pool', v['pool'], POOLS),
    map: v['map'] === undefined ? 'pca' : parseChoice('map', v['map'], MAPS),
    exemplars: v['exemplars'] === undefined ? 5 : parseInteger('exemplars', v['exemplars'], 0),
    seed: v['seed'] === undefined ? 0 : parseInteger('seed', v['seed'], Number.MIN_SAFE_INTEGER),
    ...(v['adapter'] !== undefined ? { adapter: parseChoice('adapter', v['adapter'], ADAPTERS) } : {}),
    ...(v['internal-batch-size'] !== undefined ? { internalBatchSize: parseInteger('internal-batch-size', v['internal-batch-size'], 1) } : {}),
    ...opt('out', 'out'),
    ...opt('png', 'png'),
    ...opt('svg', 'svg'),
    ...opt('exemplars-png', 'exemplarsPng'),
    ...opt('exemplars-svg', 'exemplarsSvg'),
    ...(progress !== undefined ? { progress } : {}),
  };
}

/**
 * A seeded UMAP embedding of the clustered feature rows (umap-js; its random source is our
 * seeded generator, so the map is reproducible). Needs ≥ 4 examples.
 */
export function umapMap(features: Float32Array, n: number, dim: number, seed: number): Float64Array {
  if (n < 4) throw new InvalidArgumentError(`--map umap needs at least 4 examples (got ${n}); use --map pca`);
  const rng = createRng(seed).derive(0x4a4d);
  const rows = Array.from({ length: n }, (_, i) => Array.from(features.subarray(i * dim, (i + 1) * dim)));
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.max(2, Math.min(15, n - 1)), minDist: 0.1, random: () => rng.uniform() });
  const emb = umap.fit(rows);
  return Float64Array.from(emb.flat());
}

export interface ClusterRun {
  readonly result: ActivationClusteringResult;
  readonly points: Float64Array;
  readonly explainedRatio?: number[];
}

/** Cluster, then the map (PCA from core, or UMAP over the same feature rows). */
export async function clusterActivations(
  clustering: ActivationClustering,
  x: Tensor,
  options: Parameters<ActivationClustering['interpret']>[1],
  map: 'pca' | 'umap',
): Promise<ClusterRun> {
  const result = await clustering.interpret(x, options);
  if (map === 'pca') return { result, points: result.map.points, explainedRatio: result.map.explainedRatio };
  return { result, points: umapMap(result.features, x.shape[0]!, result.dim, options.seed ?? 0) };
}

export async function runClusters(argv: readonly string[], io: ResolvedIO): Promise<number> {
  const req = parseClustersArgs(argv);
  if (req === 'help') {
    io.out(clustersUsage());
    return 0;
  }
  const opened = await openModel(resolvePath(io.cwd, req.model), req.adapter, { requires: { layers: true } });
  const { model } = opened;
  try {
    const x = asBatch(readTensorFile(resolvePath(io.cwd, req.input), 'input file'), model.inputShape, 'input');
    const n = x.shape[0]!;
    const labels = req.labels !== undefined ? readLabels(resolvePath(io.cwd, req.labels), n) : undefined;
    const d = opened.describeLayer(req.layer);
    for (const note of d.notes) io.err(`note: layer '${req.layer}' is ${d.layer}: ${note}\n`);
    const layout = imageLayout(opened.file);
    const { value: run, bar, seconds } = await withProgress('clusters', io, req.progress, `clusters on ${opened.adapter}`, (bar, signal) =>
      clusterActivations(
        new ActivationClustering(model),
        x,
        {
          layer: d.layer,
          ...(req.k !== undefined ? { k: req.k } : {}),
          ...(req.kRange !== undefined ? { kRange: req.kRange } : {}),
          reduction: req.pool,
          layout,
          ...(labels ? { labels } : {}),
          seed: req.seed,
          exemplars: req.exemplars,
          ...(req.internalBatchSize !== undefined ? { internalBatchSize: req.internalBatchSize } : {}),
          ...(signal ? { signal } : {}),
          onProgress: (p) => bar.update(p.done, p.total),
        },
        req.map,
      ),
    );
    const r = run.result;
    bar.finish(`clusters: ${n} examples, layer ${r.layer} (${r.dim} features), k = ${r.k}${r.purity !== undefined ? `, purity ${r.purity.toFixed(3)}` : ''}, ${r.modelCalls} model calls, ${seconds.toFixed(1)} s ${describeChoice(opened.choice)}`);
    const num = (v: number) => (Number.isFinite(v) ? v : null);
    const output = {
      adapter: opened.adapter,
      layer: r.layer,
      pool: r.reduction,
      dim: r.dim,
      k: r.k,
      silhouette: num(r.silhouette),
      silhouettes: r.silhouettes.map((s) => ({ k: s.k, silhouette: num(s.silhouette) })),
      assignments: r.assignments,
      sizes: r.sizes,
      exemplars: r.exemplars,
      ...(r.purity !== undefined ? { purity: r.purity, clusterLabels: r.clusterLabels } : {}),
      map: { method: req.map, points: Array.from({ length: n }, (_, i) => [run.points[2 * i]!, run.points[2 * i + 1]!]), ...(run.explainedRatio ? { explainedRatio: run.explainedRatio } : {}) },
      inertia: r.inertia,
      seed: req.seed,
      modelCalls: r.modelCalls,
    };
    const json = JSON.stringify(output);
    if (req.out !== undefined) writeFile(resolvePath(io.cwd, req.out), json + '\n', 'output file');
    else io.out(json + '\n');
    const pct = (v: number | undefined) => (v === undefined ? '' : ` (${(100 * v).toFixed(0)}% of variance)`);
    const mapInput = {
      points: run.points,
      assignments: r.assignments,
      ...(labels ? { labels } : {}),
      ...(req.labelNames ? { labelNames: req.labelNames } : {}),
      title: `Activation clusters · layer ${r.layer} · k = ${r.k}${r.purity !== undefined ? ` · purity ${r.purity.toFixed(2)}` : ''}`,
      xLabel: req.map === 'pca' ? `PC 1${pct(run.explainedRatio?.[0])}` : 'UMAP 1',
      yLabel: req.map === 'pca' ? `PC 2${pct(run.explainedRatio?.[1])}` : 'UMAP 2',
    };
    if (req.png !== undefined) writeFile(resolvePath(io.cwd, req.png), clusterMapPng(mapInput), 'PNG file');
    if (req.svg !== undefined) writeFile(resolvePath(io.cwd, req.svg), clusterMapSvg(mapInput), 'SVG file');
    if (req.exemplarsPng !== undefined || req.exemplarsSvg !== undefined) {
      if (model.inputShape.length < 2 || model.inputShape.length > 3) throw new UsageError(`--exemplars-png/--exemplars-svg need image inputs (rank 2 or 3); this model's input is [${model.inputShape.join(', ')}]`);
      const notes = r.sizes.map((s, c) => `${s} examples${r.clusterLabels ? `, mostly ${req.labelNames?.[r.clusterLabels[c]!] ?? `label ${r.clusterLabels[c]}`}` : ''}`);
      const grid = { images: x, layout, exemplars: r.exemplars, rowNotes: notes };
      if (req.exemplarsPng !== undefined) writeFile(resolvePath(io.cwd, req.exemplarsPng), clusterExemplarGridPng(grid), 'PNG file');
      if (req.exemplarsSvg !== undefined) writeFile(resolvePath(io.cwd, req.exemplarsSvg), clusterExemplarGridSvg(grid), 'SVG file');
    }
    return 0;
  } finally {
    await model.dispose();
  }
}
