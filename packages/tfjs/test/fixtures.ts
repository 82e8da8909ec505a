/** Paths of the copied reference fixtures and their recorded float32 outputs. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromNested, type Tensor } from '@glasswing/core';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const MODELS = ['tiny_additive', 'mlp_tabular', 'lenet_mnist'] as const;
export type ModelId = (typeof MODELS)[number];

export const modelJson = (m: ModelId): string => `${FIXTURES}${m}/model.json`;

interface Recorded {
  inputs: unknown;
  outputs_float32: unknown;
  input_layout: string;
}

/** Recorded inputs (in the tfjs model's layout: NCHW LeNet inputs are transposed to NHWC) and outputs. */
export function recorded(m: ModelId): { inputs: Tensor; outputs: Tensor } {
  const all = JSON.parse(readFileSync(`${FIXTURES}recorded-outputs.json`, 'utf8')) as Record<ModelId, Recorded>;
  const r = all[m];
  let inputs = fromNested(r.inputs);
  if (r.input_layout === 'NCHW') inputs = nchwToNhwc(inputs);
  return { inputs, outputs: fromNested(r.outputs_float32) };
}

export function nchwToNhwc(t: Tensor): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  const out = new Float32Array(t.data.length);
  for (let i = 0; i < n; i++)
    for (let ch = 0; ch < c; ch++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) out[((i * h + y) * w + x) * c + ch] = t.data[((i * c + ch) * h + y) * w + x]!;
  return { shape: [n, h, w, c], data: out };
}
