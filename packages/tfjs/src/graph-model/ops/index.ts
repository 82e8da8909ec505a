/** TensorFlow op -> converter, for ops on activations (constant-only ops are in ../fold.ts). */
import type { Converter } from './common.js';
import { CONV_CONVERTERS } from './conv.js';
import { ELEMENTWISE_CONVERTERS } from './elementwise.js';
import { MATMUL_CONVERTERS } from './matmul.js';
import { NORM_CONVERTERS } from './norm.js';
import { SHAPE_CONVERTERS } from './shape.js';
import { SLICING_CONVERTERS } from './slicing.js';

export type { Converter } from './common.js';

export const CONVERTERS: Readonly<Record<string, Converter>> = {
  ...ELEMENTWISE_CONVERTERS,
  ...CONV_CONVERTERS,
  ...MATMUL_CONVERTERS,
  ...NORM_CONVERTERS,
  ...SHAPE_CONVERTERS,
  ...SLICING_CONVERTERS,
};
