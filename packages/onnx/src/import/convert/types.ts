import type { NodeContext } from '../context.js';

/** Maps one ONNX node to IR nodes (binding its outputs) or throws BlockedError. */
export type Converter = (n: NodeContext) => void;
