/** The shared adapter conformance suite, on the tfjs cpu and wasm backends. */
import { describeAdapterConformance } from '@glasswing/conformance';
import { createTfjsModel } from '../src/index.js';

describeAdapterConformance({ name: 'tfjs-cpu', createModel: (graph) => createTfjsModel(graph, { backend: 'cpu' }) });
describeAdapterConformance({ name: 'tfjs-wasm', createModel: (graph) => createTfjsModel(graph, { backend: 'wasm' }) });
