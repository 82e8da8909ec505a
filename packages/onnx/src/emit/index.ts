export { emitForwardModel, emitGradientModel } from './emit-graph.js';
export type { EmittedModel, ForwardSignature, GradientSignature } from './emit-graph.js';
export { encodeModel } from './encode.js';
