import { UnsupportedOpError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function maxPool(_x: Tensor, _p: Pool2DParams): Tensor {
  throw new UnsupportedOpError('maxPool', 'reference maxPool: not implemented yet');
}
