/** The default adapter: ranking, fallback when an adapter is missing or lacks a capability. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CapabilityError, METHODS, createReferenceModel, graphFromJSON } from '@glasswing/core';
import type { Capabilities, Model } from '@glasswing/core';
import { ADAPTERS, DEFAULT_ADAPTER_RANKING, describeChoice, missingCapabilities, openFastest } from '../adapter-choice.js';
import type { AdapterId } from '../adapter-choice.js';
import { MAX_ROWS_PER_CALL, VALUES_PER_CALL, defaultInternalBatchSize } from '../batching.js';
import { openModel } from '../model-file.js';
import { GRAPH, TFJS } from './helpers.js';

const FULL: Capabilities = { gradients: true, layers: true, rules: true };
const FORWARD_ONLY: Capabilities = { gradients: false, layers: false, rules: false };

/** A fake model on `adapter` with the given capabilities; records disposal. */
function fake(adapter: AdapterId, capabilities: Capabilities, disposed: AdapterId[]): Model {
  const base = createReferenceModel(graphFromJSON(JSON.parse(readFileSync(GRAPH, 'utf8'))));
  return {
    ...base,
    forward: base.forward.bind(base),
    gradient: base.gradient.bind(base),
    activations: base.activations.bind(base),
    backend: adapter,
    capabilities,
    dispose: () => void disposed.push(adapter),
  };
}

function notInstalled(pkg: string): Error {
  return Object.assign(new Error(`Cannot find package '${pkg}' imported from /x.js`), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('default adapter ranking', () => {
  it('lists known adapters only, each once, ending with the always-installed reference executor; never tfjs-cpu', () => {
    for (const list of Object.values(DEFAULT_ADAPTER_RANKING)) {
      expect(new Set(list).size).toBe(list.length);
      for (const a of list) expect(ADAPTERS).toContain(a);
      expect(list.at(-1)).toBe('reference');
      expect(list).not.toContain('tfjs-cpu');
    }
    // benchmarks/results/2026-11-22.md: onnx-node is the fastest on every row; tfjs-wasm beats the reference executor
    expect(DEFAULT_ADAPTER_RANKING['ir-graph'].slice(0, 2)).toEqual(['onnx-node', 'tfjs-wasm']);
    expect(DEFAULT_ADAPTER_RANKING['onnx-file'].slice(0, 2)).toEqual(['onnx-node', 'onnx-web']);
  });
});

describe('openFastest', () => {
  it('takes the first adapter that loads and has the capabilities', async () => {
    const tried: AdapterId[] = [];
    const disposed: AdapterId[] = [];
    const { model, choice } = await openFastest(['onnx-node', 'tfjs-wasm', 'reference'], async (a) => {
      tried.push(a);
      return fake(a, FULL, disposed);
    });
    expect(tried).toEqual(['onnx-node']);
    expect(model.backend).toBe('onnx-node');
    expect(choice).toEqual({ adapter: 'onnx-node', requested: false, skipped: [] });
    expect(describeChoice(choice)).toBe('on onnx-node (default: fastest installed)');
    expect(disposed).toEqual([]);
  });

  it('falls back down the list when an adapter is not installed or fails to load, and says why', async () => {
    const disposed: AdapterId[] = [];
    const { model, choice } = await openFastest(['onnx-node', 'tfjs-wasm', 'onnx-web', 'reference'], async (a) => {
      if (a === 'onnx-node') throw notInstalled('onnxruntime-node');
      if (a === 'tfjs-wasm') throw new Error("tfjs backend 'wasm' could not be initialised");
      return fake(a, FULL, disposed);
    });
    expect(model.backend).toBe('onnx-web');
    expect(choice.adapter).toBe('onnx-web');
    expect(choice.skipped.map((s) => s.adapter)).toEqual(['onnx-node', 'tfjs-wasm']);
    expect(choice.skipped[0]!.reason).toMatch(/^not installed \(Cannot find package 'onnxruntime-node'/);
    expect(choice.skipped[1]!.reason).toBe("tfjs backend 'wasm' could not be initialised");
    expect(describeChoice(choice)).toMatch(/^on onnx-web \(default: fastest installed; passed over onnx-node: not installed .*; tfjs-wasm: tfjs backend/);
    expect(disposed).toEqual([]);
  });

  it('passes over (and disposes) an adapter without a capability the method needs', async () => {
    const disposed: AdapterId[] = [];
    const caps: Partial<Record<AdapterId, Capabilities>> = { 'onnx-node': FORWARD_ONLY, 'tfjs-wasm': { gradients: true, layers: true, rules: false } };
    const create = async (a: AdapterId) => fake(a, caps[a] ?? FULL, disposed);
    const lrp = METHODS['lrp']!.requires;
    expect(lrp).toEqual({ gradients: true, rules: true });
    const { model, choice } = await openFastest(['onnx-node', 'tfjs-wasm', 'reference'], create, { requires: lrp });
    expect(model.backend).toBe('reference');
    expect(choice.skipped).toEqual([
      { adapter: 'onnx-node', reason: 'no gradients or rules' },
      { adapter: 'tfjs-wasm', reason: 'no rules' },
    ]);
    // the first one that loaded is kept until a qualifying one is found, then disposed too
    expect(disposed).toEqual(['tfjs-wasm', 'onnx-node']);
    // a perturbation method needs nothing: the fastest one is kept
    const occ = await openFastest(['onnx-node', 'tfjs-wasm', 'reference'], create, { requires: METHODS['occlusion']!.requires });
    expect(occ.choice.adapter).toBe('onnx-node');
  });

  it('when no adapter has the capability, keeps the fastest one that loaded (the command then says what is missing)', async () => {
    const disposed: AdapterId[] = [];
    const { model, choice } = await openFastest(
      ['onnx-node', 'onnx-web', 'reference'],
      async (a) => {
        if (a === 'reference') throw new CapabilityError('needs the whole model as an IR graph');
        return fake(a, FORWARD_ONLY, disposed);
      },
      { requires: { gradients: true } },
    );
    expect(model.backend).toBe('onnx-node');
    expect(choice).toEqual({ adapter: 'onnx-node', requested: false, skipped: [] });
    expect(disposed).toEqual(['onnx-web']);
  });

  it('throws the last error when no adapter loads', async () => {
    await expect(
      openFastest(['onnx-node', 'reference'], async (a) => {
        throw a === 'reference' ? new CapabilityError('last one') : notInstalled('onnxruntime-node');
      }),
    ).rejects.toThrow(/^last one$/);
  });

  it('missingCapabilities names what a model lacks', () => {
    expect(missingCapabilities({ capabilities: FORWARD_ONLY }, { gradients: true, layers: true })).toEqual(['gradients', 'layers']);
    expect(missingCapabilities({ capabilities: FORWARD_ONLY }, { gradients: false })).toEqual([]);
    expect(missingCapabilities({ capabilities: FULL })).toEqual([]);
  });
});

describe('openModel defaults', () => {
  it('a TensorFlow.js LayersModel and a graph JSON run on onnx-node by default; --adapter is kept as given', async () => {
    for (const path of [TFJS, GRAPH]) {
      const opened = await openModel(path, undefined, { requires: METHODS['integrated-gradients']!.requires });
      expect([opened.adapter, opened.model.backend, opened.choice.requested]).toEqual(['onnx-node', 'onnx-node', false]);
      await opened.model.dispose();
    }
    const wasm = await openModel(TFJS, 'tfjs-wasm');
    expect([wasm.adapter, wasm.choice.requested, describeChoice(wasm.choice)]).toEqual(['tfjs-wasm', true, 'on tfjs-wasm']);
    expect(wasm.model.backend).toMatch(/wasm/);
    await wasm.model.dispose();
  });
});

describe('defaultInternalBatchSize', () => {
  it('bounds a call to about VALUES_PER_CALL input values, between 1 and MAX_ROWS_PER_CALL rows', () => {
    expect(defaultInternalBatchSize([28, 28, 1])).toBe(Math.floor(VALUES_PER_CALL / 784)); // 167
    expect(defaultInternalBatchSize([28, 28, 1])).toBe(167);
    expect(defaultInternalBatchSize([20, 20, 1])).toBe(327);
    expect(defaultInternalBatchSize([10])).toBe(MAX_ROWS_PER_CALL);
    expect(defaultInternalBatchSize([3, 512, 512])).toBe(1);
    expect(defaultInternalBatchSize([])).toBe(MAX_ROWS_PER_CALL);
  });
});
