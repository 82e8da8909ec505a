/**
 * Assemble the report: overview (shapes, capabilities, layers), model structure, weights,
 * activations, predictions and the attribution pictures, into one self-contained HTML page.
 */
import { argmaxRows } from '@glasswing/core';
import type { Model, Tensor } from '@glasswing/core';
import { formatNumber } from '@glasswing/viz';
import type { ResolvedIO } from '../io.js';
import { imageLayout } from '../model-file.js';
import type { OpenedModel } from '../model-file.js';
import { cliVersion } from '../version.js';
import { escapeHtml, htmlTable, note, renderPage, section } from './html.js';
import type { Section } from './html.js';
import { imageAttributionViews } from './image-views.js';
import { runMethods } from './methods.js';
import type { MethodRun } from './methods.js';
import { formatCount, formatShape } from './model-info.js';
import type { ModelInfo } from './model-info.js';
import { activationSection, structureSection, weightSection } from './model-views.js';
import { attentionSection } from './attention-section.js';
import { tabularAttributionViews } from './tabular-views.js';
import { internalsSections, type ReportConcepts } from './internals-section.js';
import { featureVisualizationSection } from './feature-visualization-section.js';
import { counterfactualSection } from './counterfactual-section.js';
import { surrogateSection } from './surrogate-section.js';
import { influenceSection } from './influence-section.js';
import { distillSection } from './distill-section.js';
import { metricsSection } from './metrics-section.js';
import { datasetSection } from './dataset-section.js';

export interface ReportSpec {
  readonly opened: OpenedModel;
  readonly info: ModelInfo;
  /** The examples to explain, [N, ...inputShape]. */
  readonly x: Tensor;
  /** The batch for activation statistics (the input or --data). */
  readonly data: Tensor;
  readonly dataLabel: string;
  readonly methods: readonly string[];
  /** The layer Grad-CAM runs on (the last tappable conv layer). */
  readonly convLayer?: string;
  readonly target?: number | number[];
  readonly seed?: number;
  /** Shown in the header: the model file as given on the command line. */
  readonly modelLabel: string;
  /** Feature names for tabular inputs (default f0, f1, ...). */
  readonly featureNames?: readonly string[];
  /** Concepts for the TCAV section (`--concept`). */
  readonly concepts?: ReportConcepts;
  /** An explain-dataset results file for the "Dataset" section (`--dataset-results`). */
  readonly datasetResults?: string;
}

const KIND_NAMES: Readonly<Record<string, string>> = {
  'tfjs-layers': 'TensorFlow.js LayersModel',
  'tfjs-graph': 'TensorFlow.js graph model',
  'glasswing-graph': 'Glasswing graph JSON',
  onnx: 'ONNX',
};

function overview(spec: ReportSpec): Section {
  const { info } = spec;
  const caps = Object.entries(info.capabilities).map(([k, v]) => `${k} ${v ? 'yes' : 'no'}`).join(', ');
  const kv: [string, string][] = [
    ['model', spec.modelLabel],
    ['graph name', info.name],
    ['format', KIND_NAMES[info.kind] ?? info.kind],
    ['backend', info.backend],
    ['input', `${formatShape([-1, ...info.inputShape])} (${info.inputKind}${info.layout ? `, ${info.layout}` : ''})`],
    ['output', formatShape([-1, ...info.outputShape])],
    ['parameters', info.layers.length > 0 ? formatCount(info.totalParams) : 'unknown'],
    ['capabilities', caps],
    ['methods in this report', (spec.methods.join(', ') || 'none') + (spec.convLayer !== undefined && spec.methods.some((m) => m.includes('grad-cam')) ? ` (Grad-CAM on layer ${layerLabel(spec.convLayer, info)})` : '')],
  ];
  if (info.limits !== undefined) kv.push(['limits', info.limits]);
  const dl = `<dl class="kv">${kv.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
  const withModules = info.layers.some((l) => l.modules !== undefined);
  const layers =
    info.layers.length > 0
      ? htmlTable(
          ['#', 'layer', ...(withModules ? ['PyTorch module'] : []), 'op', 'output shape', 'parameters'],
          info.layers.map((l, i) => [
            String(i + 1),
            l.name,
            ...(withModules ? [(l.modules ?? []).join(', ')] : []),
            l.op,
            formatShape(l.outputShape),
            formatCount(l.params),
          ]),
          new Set([0, withModules ? 5 : 4]),
        )
      : note('The layer structure is unknown: the model has no IR graph (it runs forward-only).', 'warn');
  const supported = info.methods.filter((m) => m.supported).map((m) => m.id);
  return section('overview', 'Overview', `${dl}\n<h3>Layers</h3>\n${layers}\n${note(`Supported methods: ${supported.join(', ')}.`)}`);
}

/** `node` or `node (module a, b)` when PyTorch module names map to it. */
function layerLabel(layer: string, info: ModelInfo): string {
  const modules = info.layers.find((l) => l.name === layer)?.modules;
  return modules?.length ? `${layer} (module ${modules.join(', ')})` : layer;
}

function predictionsTable(outputs: Tensor, runs: readonly MethodRun[], labels: readonly string[]): string {
  const n = outputs.shape[0]!;
  const k = outputs.data.length / Math.max(1, n);
  const pred = argmaxRows(outputs);
  const targets = runs[0]?.result.targets;
  const rows = Array.from({ length: n }, (_, i) => {
    const row = Array.from(outputs.data.subarray(i * k, (i + 1) * k));
    const shown = row.length <= 10 ? row.map((v) => formatNumber(v)).join(', ') : `${row.slice(0, 10).map((v) => formatNumber(v)).join(', ')}, …`;
    return [labels[i]!, String(pred[i]), targets ? String(targets[i]) : '-', shown];
  });
  return htmlTable(['example', 'predicted', 'explained target', 'outputs'], rows, new Set([1, 2]));
}

function exampleLabels(n: number, outputs: Tensor, runs: readonly MethodRun[]): string[] {
  const pred = argmaxRows(outputs);
  const targets = runs[0]?.result.targets;
  return Array.from({ length: n }, (_, i) => `example ${i} · target ${targets ? targets[i] : pred[i]} (predicted ${pred[i]})`);
}

async function attributionSection(spec: ReportSpec, model: Model, io: ResolvedIO): Promise<Section> {
  const outputs = await model.forward(spec.x);
  const runs = await runMethods(model, spec.x, spec.methods, { ...(spec.target !== undefined ? { target: spec.target } : {}), ...(spec.info.layout ? { layout: spec.info.layout } : {}), ...(spec.seed !== undefined ? { seed: spec.seed } : {}), ...(spec.convLayer !== undefined ? { convLayer: spec.convLayer } : {}) }, io);
  const n = spec.x.shape[0]!;
  const labels = exampleLabels(n, outputs, runs);
  const parts = [note(`${n} example(s); each method explains the target class per example (default: the predicted class).`), predictionsTable(outputs, runs, labels)];
  if (runs.length === 0) parts.push(note('No attribution methods ran.', 'warn'));
  else if (spec.info.inputKind === 'image') {
    parts.push(imageAttributionViews({ x: spec.x, runs, labels, ...(spec.info.layout ? { layout: spec.info.layout } : {}) }));
  } else {
    const size = spec.info.inputShape.reduce((a, b) => a * b, 1);
    const baselineOutputs = await model.forward({ shape: [1, ...spec.info.inputShape], data: new Float32Array(size) });
    parts.push(
      tabularAttributionViews({ x: spec.x, outputs, baselineOutputs, runs, labels, ...(spec.featureNames ? { featureNames: spec.featureNames } : {}) }),
    );
  }
  return section('attributions', 'Attributions', parts.join('\n'));
}

/** Build the page. Runs the model (forward, activations, each method); never writes files. */
export async function buildReport(spec: ReportSpec, io: ResolvedIO): Promise<string> {
  const model = spec.opened.model;
  const sections: Section[] = [overview(spec)];
  const graph = spec.opened.file.graph;
  if (graph) {
    sections.push(structureSection(graph));
    sections.push(weightSection(graph, spec.info));
  }
  const act = await activationSection(model, graph, spec.data, spec.dataLabel, spec.x, io);
  if (act) sections.push(act);
  sections.push(await attributionSection(spec, model, io));
  const quality = await metricsSection(spec, model, io);
  if (quality) sections.push(quality);
  sections.push(...(await internalsSections(spec, model, io)));
  const counterfactuals = await counterfactualSection(spec, model);
  if (counterfactuals) sections.push(counterfactuals);
  const attention = await attentionSection(model, graph, spec.x);
  if (attention) sections.push(attention);
  const fv = await featureVisualizationSection(spec, model, io);
  if (fv) sections.push(fv);
  const surrogate = await surrogateSection(spec, model);
  if (surrogate) sections.push(surrogate);
  const influence = await influenceSection(spec, model);
  if (influence) sections.push(influence);
  const distillation = await distillSection(spec, model);
  if (distillation) sections.push(distillation);
  sections.push(...[await datasetSection(spec, imageLayout(spec.opened.file))].filter((d) => d !== undefined));
  return renderPage({
    title: `Glasswing report: ${spec.info.name}`,
    subtitle: `${spec.modelLabel} · ${KIND_NAMES[spec.info.kind] ?? spec.info.kind} · backend ${spec.info.backend} · glasswing ${cliVersion()}`,
    sections,
  });
}
