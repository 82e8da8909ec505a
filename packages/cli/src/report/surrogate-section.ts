/**
 * Report section "Surrogate tree and rules" (tabular models, ≥ 8 dataset rows): a depth-3 CART
 * tree fitted to the model's predicted classes on the report's dataset (minimum leaf 2 % of the
 * rows, a quarter held out for fidelity, seed = --seed), shown as the tree diagram, the rule table
 * and the fidelity / importance table.
 */
import { GlobalSurrogate } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { formatNumber, ruleTablePng, treeDiagramPng } from '@glasswing/viz';
import { figure, htmlTable, note, pngImg, section } from './html.js';
import type { Section } from './html.js';

/** What this section reads of the report's spec (build.ts passes its ReportSpec). */
export interface SurrogateReportSpec {
  readonly info: { readonly inputKind: string };
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly seed?: number;
  readonly featureNames?: readonly string[];
}

/** The section, or undefined for non-tabular models. */
export async function surrogateSection(spec: SurrogateReportSpec, model: Model): Promise<Section | undefined> {
  if (spec.info.inputKind !== 'tabular') return undefined;
  const n = spec.data.shape[0]!;
  if (n < 8) return section('surrogate', 'Surrogate tree and rules', note(`A surrogate tree needs at least 8 dataset rows; the report has ${n} (give more with --data).`, 'warn'));
  const F = model.inputShape[0]!;
  const names = spec.featureNames && spec.featureNames.length === F ? spec.featureNames : Array.from({ length: F }, (_, j) => `f${j}`);
  const res = await new GlobalSurrogate(model).fit({
    data: spec.data,
    featureNames: names,
    maxDepth: 3,
    minSamplesLeaf: Math.max(1, Math.round(0.02 * n)),
    holdout: 0.25,
    permutationRepeats: 3,
    seed: spec.seed ?? 0,
  });
  const fid = res.holdoutFidelity ?? res.trainFidelity;
  const rows = [...res.importances]
    .sort((a, b) => b.impurity - a.impurity)
    .map((f) => [f.name, formatNumber(f.impurity, 3), f.permutationMean === null ? '–' : `${formatNumber(f.permutationMean, 3)} ± ${formatNumber(f.permutationStd ?? 0, 2)}`]);
  const parts = [
    note(
      `A CART tree (depth ≤ 3) fitted to the model's predicted class on ${spec.dataLabel}: ${res.trainRows} rows fit, ${res.holdoutRows} held out. ` +
        `Fidelity (agreement with the model) on the held-out rows: ${(100 * fid).toFixed(1)}%. Each rule is one leaf: support = fit rows it covers, ` +
        `confidence = share of them the model gives the rule's class. Reproduce with 'glasswing surrogate --max-depth 3'.`,
    ),
    figure(pngImg(treeDiagramPng({ tree: res.tree, featureNames: res.featureNames }), 'surrogate tree diagram'), 'Surrogate tree: left branch = test true; leaves coloured by class.'),
    figure(pngImg(ruleTablePng({ rules: res.rules, task: 'classification' }), 'surrogate rules'), 'The tree as IF–THEN rules (same-class leaves merged, bounds on one feature merged).'),
    htmlTable(['feature', 'impurity importance', 'permutation importance (fidelity drop)'], rows, new Set([1, 2])),
  ];
  return section('surrogate', 'Surrogate tree and rules', parts.join('\n'));
}
