export { OPS, getOp, ELEMENTWISE_UNARY } from './ops/index.js';
export { validateGraph, inferGraphShapes } from './validate.js';
export { GraphExecutor } from './executor.js';
export type { ForwardOptions, ForwardResult, BackwardOptions, BackwardResult } from './executor.js';
export { validateRule } from './rule-vjp.js';
export { graphToJSON, graphFromJSON, serializeGraph, parseGraph } from './serialize.js';
export type { GraphJSON } from './serialize.js';
export * from '../graph-model.js';
export * from '../reference-model.js';
