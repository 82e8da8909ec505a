/** reshape to an explicit full shape (no -1 / 0 placeholders: the op layer resolves those). */
import { ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkShape, checkTensor, fmt, sizeOfShape } from './util.js';

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor(x, 'reshape');
  const s = checkShape(shape, 'reshape');
  if (sizeOfShape(s) !== x.data.length) {
    throw new ShapeError(`reshape: cannot reshape ${fmt(x.shape)} (${x.data.length} elements) to ${fmt(s)} (${sizeOfShape(s)} elements)`);
  }
  // Tensors are immutable by contract, so the data buffer can be shared.
  return { shape: s, data: x.data };
}
