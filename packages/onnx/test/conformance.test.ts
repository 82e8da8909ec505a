/** The shared adapter conformance suite on onnxruntime-node and onnxruntime-web (wasm in Node). */
import { describeAdapterConformance } from '@glasswing/conformance';
import { createOnnxModel } from '../src/index.js';

describeAdapterConformance({ name: 'onnx-node', createModel: (graph) => createOnnxModel(graph, { runtime: 'onnx-node' }) });
describeAdapterConformance({ name: 'onnx-web', createModel: (graph) => createOnnxModel(graph, { runtime: 'onnx-web' }) });
