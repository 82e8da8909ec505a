/**
 * Browser bundle for webgl.browser.test.ts: the adapter and core, run on a real WebGL context.
 * `window.glasswingRun(graphJson, input, mode)` builds the model on the requested gpu.js mode and
 * returns every attribution as plain arrays, with the mode and backend that actually ran.
 */
import { DeepLift, IntegratedGradients, LayerGradientXActivation, Lrp, Saliency, type Tensor } from '@glasswing/core';
import { availableGpujsModes, fromGpujsGraph, type GpujsMode } from '../../src/index.js';

export interface BrowserRunResult {
  readonly available: string[];
  readonly mode: string;
  readonly backend: string;
  /** True when values stayed on the device as textures (a GL mode really ran). */
  readonly onDevice: boolean;
  readonly results: Record<string, { shape: number[]; data: number[] }>;
}

const plain = (t: Tensor) => ({ shape: [...t.shape], data: Array.from(t.data) });

async function glasswingRun(graphJson: string, input: { shape: number[]; data: number[] }, mode: GpujsMode, target: number[], layer: string): Promise<BrowserRunResult> {
  const model = await fromGpujsGraph(graphJson, { mode });
  try {
    const x: Tensor = { shape: input.shape, data: Float32Array.from(input.data) };
    const results: BrowserRunResult['results'] = {};
    results['forward'] = plain(await model.forward(x));
    results['Saliency'] = plain((await new Saliency(model).attribute(x, { target })).attributions);
    results['IntegratedGradients'] = plain((await new IntegratedGradients(model).attribute(x, { target, steps: 8 })).attributions);
    results['DeepLift'] = plain((await new DeepLift(model).attribute(x, { target })).attributions);
    results['Lrp'] = plain((await new Lrp(model).attribute(x, { target })).attributions);
    results['LayerGradientXActivation'] = plain((await new LayerGradientXActivation(model).attribute(x, { target, layer })).attributions);
    const { runtime } = model as unknown as { runtime: { mode: string; onDevice: boolean } };
    return { available: availableGpujsModes(), mode: runtime.mode, backend: model.backend, onDevice: runtime.onDevice, results };
  } finally {
    await model.dispose();
  }
}

(globalThis as unknown as { glasswingRun: typeof glasswingRun }).glasswingRun = glasswingRun;
