import { UnsupportedOpError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function maxPoolBackprop(_dy: Tensor, _x: Tensor, _p: Pool2DParams): Tensor {
  throw new UnsupportedOpError('MaxPool', 'reference maxPoolBackprop: not implemented yet');
}
