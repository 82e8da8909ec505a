import { activationsGraph } from './activations.js';
import { attentionGraph } from './attention.js';
import { cnnNchwGraph, cnnNhwcGraph } from './cnn.js';
import { dagGraph } from './dag.js';
import { mlpGraph } from './mlp.js';
import { onnxImageGraph } from './onnx-image.js';
import { onnxSequenceGraph } from './onnx-sequence.js';
import type { ConformanceGraph } from './types.js';

export type { ConformanceGraph } from './types.js';
export { mlpGraph } from './mlp.js';
export { cnnNchwGraph, cnnNhwcGraph } from './cnn.js';
export { dagGraph } from './dag.js';
export { onnxImageGraph } from './onnx-image.js';
export { onnxSequenceGraph } from './onnx-sequence.js';
export { activationsGraph } from './activations.js';
export { attentionGraph } from './attention.js';

/** The suite's graphs; together they use every op in OP_TYPES. Deterministic (seeded). */
export function conformanceGraphs(): readonly ConformanceGraph[] {
  return [mlpGraph(), cnnNchwGraph(), cnnNhwcGraph(), dagGraph(), onnxImageGraph(), onnxSequenceGraph(), activationsGraph(), attentionGraph()];
}
