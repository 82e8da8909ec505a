/**
 * What the demo's training scripts share (train.mjs, train-credit.mjs, ground-truth.mjs): a seeded
 * epoch order and saving a tfjs-layers model as model.json + weights.bin without tfjs-node.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

/** A Fisher–Yates permutation of 0..n−1 drawn from `rand` (a createUniform generator). */
export function seededOrder(rand, n) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Save `model` to `outDir`/{model.json, weights.bin}, naming the script that made it. */
export async function saveLayersModel(model, outDir, generatedBy) {
  mkdirSync(outDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const parts = Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData];
      const bytes = Buffer.concat(parts.map((p) => Buffer.from(p)));
      writeFileSync(join(outDir, 'weights.bin'), bytes);
      const modelJson = {
        format: 'layers-model',
        generatedBy,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileSync(join(outDir, 'model.json'), JSON.stringify(modelJson, null, 1) + '\n');
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    }),
  );
}
