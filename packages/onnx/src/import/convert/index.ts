import { ELEMENTWISE_CONVERTERS } from './elementwise.js';
import { NN_CONVERTERS } from './nn.js';
import { SHAPE_CONVERTERS } from './shape.js';
import type { Converter } from './types.js';

export type { Converter } from './types.js';

/** ONNX op type -> converter to IR nodes. */
export const CONVERTERS: Readonly<Record<string, Converter>> = {
  ...NN_CONVERTERS,
  ...ELEMENTWISE_CONVERTERS,
  ...SHAPE_CONVERTERS,
};
