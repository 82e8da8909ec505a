import { UnsupportedOpError } from '../../errors.js';
import type { Conv2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function conv2dBackpropInput(_dy: Tensor, _w: Tensor, _s: readonly number[], _p: Conv2DParams): Tensor {
  throw new UnsupportedOpError('Conv', 'reference conv2dBackpropInput: not implemented yet');
}
