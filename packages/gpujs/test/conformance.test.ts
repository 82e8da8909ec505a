/** The shared adapter conformance suite on each available gpu.js mode (cpu, webasm; headlessgl where built). */
import { describeAdapterConformance } from '@glasswing/conformance';
import { createGpujsModel } from '../src/index.js';
import { MODES } from './helpers.js';

for (const mode of MODES) {
  describeAdapterConformance({ name: `gpujs-${mode}`, createModel: (graph) => createGpujsModel(graph, { mode }) });
}
