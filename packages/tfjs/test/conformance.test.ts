/** The shared adapter conformance suite on TensorFlow.js, cpu and wasm backends. */
import { describeAdapterConformance } from '@glasswing/conformance';
import { createTfjsModel } from '../src/index.js';

for (const backend of ['cpu', 'wasm'] as const) {
  describeAdapterConformance({
    name: `tfjs-${backend}`,
    createModel: (graph) => createTfjsModel(graph, { backend }),
  });
}
