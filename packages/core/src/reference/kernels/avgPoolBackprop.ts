import { UnsupportedOpError } from '../../errors.js';
import type { Pool2DParams } from '../../ir/kernels.js';
import type { Tensor } from '../../tensor.js';
export function avgPoolBackprop(_dy: Tensor, _s: readonly number[], _p: Pool2DParams): Tensor {
  throw new UnsupportedOpError('AveragePool', 'reference avgPoolBackprop: not implemented yet');
}
