import { UnsupportedOpError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function avgPool(_x: Tensor, _p: Pool2DParams): Tensor {
  throw new UnsupportedOpError('avgPool', 'reference avgPool: not implemented yet');
}
