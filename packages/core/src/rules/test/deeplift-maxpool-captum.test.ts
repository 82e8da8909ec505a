/**
 * Captum 0.8 DeepLift / DeepLiftShap on max-pooling CNNs with non-zero baselines, through the IR
 * reference executor (fixtures and tolerances: ./captum-deeplift-maxpool.ts): 1e-4 relative
 * (+ 1e-7 absolute) on every attribution.
 */
import { describe } from 'vitest';
import { createReferenceModel, graphFromJSON } from '../../ir/index.js';
import { MAXPOOL_FIXTURES, captumDeepLiftMaxPool, loadMaxPoolFixture, loadMaxPoolGraphJson } from './captum-deeplift-maxpool.js';

describe.each(MAXPOOL_FIXTURES)('Captum DeepLIFT through max-pooling, reference executor: %s', (name) => {
  const model = createReferenceModel(graphFromJSON(loadMaxPoolGraphJson(name)));
  captumDeepLiftMaxPool(loadMaxPoolFixture(name), () => model);
});
