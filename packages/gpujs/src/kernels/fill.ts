/** A tensor of one value (the value is data, not source: one kernel per shape serves every value). */
import { InvalidArgumentError } from '@glasswing/core';
import type { GpujsRuntime } from '../runtime.js';
import type { GpuTensor } from '../tensor.js';
import { checkSize } from './source.js';

export function fill(rt: GpujsRuntime, shape: readonly number[], value: number): GpuTensor {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InvalidArgumentError(`fill: bad shape [${shape.join(', ')}]`);
  checkSize('fill', shape);
  return rt.run('function(v) { return v[0]; }', [...shape], [new Float32Array([value])]);
}
