/** Self-check: core's reference executor passes the whole conformance suite. */
import { createReferenceModel } from '@glasswing/core';
import { describeAdapterConformance } from './index.js';

describeAdapterConformance({
  name: 'reference',
  createModel: async (graph) => createReferenceModel(graph),
});
