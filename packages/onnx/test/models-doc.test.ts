/**
 * docs/models.md's compatibility table is generated from the corpus results
 * (packages/<pkg>/test/corpus-results/*.json) by scripts/gen-models-doc.mjs: this fails when the
 * committed doc is out of date, and checks how rows of several adapters and packages merge.
 */
import { describe, expect, it } from 'vitest';
import { mergeRows, modelsDoc, readResults, renderModelsTable, replaceBlock } from '../../../scripts/gen-models-doc.mjs';

const row = (over: Record<string, unknown>) => ({
  model: 'm',
  description: 'a model',
  format: 'ONNX',
  producer: 'torch.onnx (TorchScript)',
  opset: 17,
  batch: 'dynamic',
  adapter: 'onnx-node',
  loads: true,
  reference: 'onnxruntime-node on the original file',
  predictionError: 1e-6,
  methods: { ok: ['saliency', 'lrp'], failed: [] },
  checks: ['IG completeness'],
  notes: '',
  ...over,
});
const file = (pkg: string, adapter: string, rows: Record<string, unknown>[]) => ({
  rel: `packages/${pkg}/test/corpus-results/${adapter}.json`,
  data: { format: 'glasswing-model-corpus/1', package: `@glasswing/${pkg}`, adapter, rows },
});

describe('docs/models.md', () => {
  it('carries the table generated from the committed corpus results', () => {
    const { current, wanted } = modelsDoc();
    expect(current, 'docs/models.md is out of date: run node scripts/gen-models-doc.mjs').toBe(wanted);
    const files = readResults();
    expect(files.map((f) => f.rel)).toEqual(expect.arrayContaining(['packages/onnx/test/corpus-results/onnx-node.json', 'packages/onnx/test/corpus-results/onnx-web.json']));
  });

  it('merges a model’s adapters into one line: worst error, method counts, checks held everywhere', () => {
    const lines = mergeRows([
      file('onnx', 'onnx-node', [row({ predictionError: 1e-7 }), row({ model: 'other' })]),
      file('onnx', 'onnx-web', [row({ adapter: 'onnx-web', checks: [], methods: { ok: ['saliency'], failed: [{ id: 'lrp', error: 'x' }] } })]),
      file('tfjs', 'tfjs-cpu', [row({ adapter: 'tfjs-cpu', format: 'tfjs LayersModel', producer: 'nsfwjs 4.4.0', opset: null })]),
    ]);
    expect(lines.map((l) => `${l.pkg} ${l.model}`)).toEqual(['@glasswing/onnx m', '@glasswing/onnx other', '@glasswing/tfjs m']);
    const m = lines[0]!;
    expect(m.adapters).toBe('onnx-node, onnx-web');
    expect(m.error).toBe('≤ 1e-6');
    expect(m.methods).toBe('2/2 / 1/2 (failed: lrp on onnx-web)');
    expect(m.checks).toBe('IG completeness (onnx-node)');
    expect(lines[2]!.opset).toBe('—');
    const table = renderModelsTable([file('onnx', 'onnx-node', [row({ description: 'a | b' })])]);
    expect(table).toContain('| `m` | a \\| b | ONNX, torch.onnx (TorchScript) | 17 | dynamic | onnx-node | yes | ≤ 1e-6 | 2/2 | IG completeness |  |');
    expect(() => replaceBlock('no markers', 'x')).toThrow(/no <!-- models:start -->/);
  });

  it('counts methods cut off by a time budget, and merges notes and run times', () => {
    const [l] = mergeRows([
      file('tfjs', 'onnx-node', [row({ notes: 'layer methods on out_relu', runtime: { seconds: 24.4, peakRssMb: 900 } })]),
      file('tfjs', 'tfjs-cpu', [
        row({
          adapter: 'tfjs-cpu',
          notes: 'layer methods on out_relu; IG gap 0.4',
          methods: { ok: ['saliency'], failed: [], skipped: [{ id: 'lrp', reason: 'over the time budget' }] },
          runtime: { seconds: 900, peakRssMb: 2000 },
        }),
      ]),
    ]);
    expect(l!.methods).toBe('2/2 / 1/2 (not run within the time budget: 1 on tfjs-cpu)');
    expect(l!.notes).toBe('layer methods on out_relu; IG gap 0.4; all methods: 24 s on onnx-node, 900 s on tfjs-cpu (2 cores)');
  });

  it('says which methods ran with fewer steps or samples (corpus --reduced), and on which adapter', () => {
    const reduced = [
      { id: 'integrated-gradients', option: 'steps', value: 2, default: 50 },
      { id: 'smoothgrad', option: 'samples', value: 2, default: 25 },
    ];
    const [l] = mergeRows([
      file('tfjs', 'onnx-node', [row({})]),
      file('tfjs', 'tfjs-cpu', [row({ adapter: 'tfjs-cpu', methods: { ok: ['saliency', 'lrp'], failed: [], reduced } })]),
    ]);
    expect(l!.methods).toBe('2/2 (with fewer steps / samples, each call of default size: 2 on tfjs-cpu (steps 2 of 50, samples 2 of 25))');
  });
});
