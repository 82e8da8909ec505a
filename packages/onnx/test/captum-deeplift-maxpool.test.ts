/**
 * Captum 0.8 DeepLift / DeepLiftShap on max-pooling CNNs with non-zero baselines
 * (tools/captum-fixtures/deeplift_maxpool.py) through fromOnnx on the exported PyTorch models:
 * the DeepLIFT rules (Captum's max-pool routing: max-pool Indices of x and of the reference,
 * scattered back) are emitted into the ONNX backward graphs and run by ONNX Runtime, on
 * onnx-node and onnx-web; and the imported graphs on the reference executor. 1e-4 relative
 * (+ 1e-7 absolute) on every attribution. Then conservation on LeNet (Conv → ReLU → MaxPool
 * twice) with random non-zero baselines, within 1e-5 of |f(x) − f(x′)|, on the same three.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';
import { createReferenceModel, type Model } from '@glasswing/core';
import {
  MAXPOOL_FIXTURES,
  captumDeepLiftMaxPool,
  deepLiftConservation,
  loadMaxPoolFixture,
} from '../../core/src/rules/test/captum-deeplift-maxpool.js';
import { fromOnnx, importOnnxModel } from '../src/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/deeplift_maxpool/${name}.onnx`, import.meta.url));
const LENET = fileURLToPath(new URL('./fixtures/lenet_mnist.onnx', import.meta.url));

function referenceModel(path: string): Model {
  const graph = importOnnxModel(new Uint8Array(readFileSync(path))).graph;
  if (!graph) throw new Error(`${path} imported forward-only`);
  return createReferenceModel(graph);
}

const RUNTIMES = ['onnx-node', 'onnx-web'] as const;

describe.each(RUNTIMES)('Captum DeepLIFT through max-pooling, %s', (runtime) => {
  describe.each(MAXPOOL_FIXTURES)('%s', (name) => {
    let model: Model;
    beforeAll(async () => {
      model = await fromOnnx(fixture(name), { runtime });
    });
    afterAll(async () => {
      await model.dispose();
    });
    captumDeepLiftMaxPool(loadMaxPoolFixture(name), () => model);
  });

  describe('LeNet', () => {
    let model: Model;
    beforeAll(async () => {
      model = await fromOnnx(LENET, { runtime });
    });
    afterAll(async () => {
      await model.dispose();
    });
    deepLiftConservation(() => model);
  });
});

describe('Captum DeepLIFT through max-pooling, imported ONNX graphs on the reference executor', () => {
  describe.each(MAXPOOL_FIXTURES)('%s', (name) => {
    const model = referenceModel(fixture(name));
    captumDeepLiftMaxPool(loadMaxPoolFixture(name), () => model);
  });

  describe('LeNet', () => {
    const model = referenceModel(LENET);
    deepLiftConservation(() => model);
  });
});
