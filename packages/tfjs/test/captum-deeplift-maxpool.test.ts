/**
 * Captum 0.8 DeepLift / DeepLiftShap on max-pooling CNNs with non-zero baselines
 * (tools/captum-fixtures/deeplift_maxpool.py) through the tfjs kernels (cpu and wasm): the
 * fixture graphs run by createTfjsModel, the DeepLIFT rules (Captum's max-pool routing) applied
 * by core's executor on tfjs tensors. 1e-4 relative (+ 1e-7 absolute) on every attribution.
 * Then conservation on the imported LeNet LayersModel (Conv → ReLU → MaxPool twice) with random
 * non-zero baselines, within 1e-5 of |f(x) − f(x′)|.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { graphFromJSON, type Model } from '@glasswing/core';
import {
  MAXPOOL_FIXTURES,
  captumDeepLiftMaxPool,
  deepLiftConservation,
  loadMaxPoolFixture,
  loadMaxPoolGraphJson,
} from '../../core/src/rules/test/captum-deeplift-maxpool.js';
import { createTfjsModel, fromTfjsLayers, initTfjsBackend } from '../src/index.js';
import { BACKENDS } from './helpers.js';
import { modelJson } from './fixtures.js';

describe.each(BACKENDS)('Captum DeepLIFT through max-pooling, tfjs-%s', (backend) => {
  beforeAll(async () => {
    await initTfjsBackend(backend);
  });

  describe.each(MAXPOOL_FIXTURES)('%s', (name) => {
    let model: Model;
    beforeAll(async () => {
      model = await createTfjsModel(graphFromJSON(loadMaxPoolGraphJson(name)), { backend });
    });
    afterAll(async () => {
      await model.dispose();
    });
    captumDeepLiftMaxPool(loadMaxPoolFixture(name), () => model);
  });

  describe('LeNet (LayersModel)', () => {
    let model: Model;
    beforeAll(async () => {
      model = await fromTfjsLayers(modelJson('lenet_mnist'), { backend });
    });
    afterAll(async () => {
      await model.dispose();
    });
    deepLiftConservation(() => model);
  });
});
