import { UnsupportedOpError } from '../../errors.js';
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function conv2d(_x: Tensor, _w: Tensor, _p: Conv2DParams): Tensor {
  throw new UnsupportedOpError('Conv', 'reference conv2d: not implemented yet');
}
