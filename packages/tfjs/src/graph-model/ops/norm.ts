/**
 * FusedBatchNorm / V2 / V3 at inference (is_training false): IR BatchNormalization with the node's
 * data_format as layout, y = scale·(x − mean)/√(variance + ε) + offset. The batch statistics outputs
 * (1–5) must be unused.
 */
import { ImportIssue } from '../values.js';
import type { Converter } from './common.js';

const fusedBatchNorm: Converter = (n) => {
  if (n.attrs.bool('is_training', false)) throw new ImportIssue('is_training = true (batch statistics at inference) is not supported');
  n.requireUnused(1, 'only the normalized output is supported (batch statistics are training-only)');
  const format = n.attrs.string('data_format', 'NHWC');
  if (format !== 'NHWC' && format !== 'NCHW') throw new ImportIssue(`data_format ${format} is not supported`);
  const inputs = [0, 1, 2, 3, 4].map((i) => n.input(i, ['x', 'scale', 'offset', 'mean', 'variance'][i]));
  for (let i = 1; i < 5; i++) n.constArr(i, ['x', 'scale', 'offset', 'mean', 'variance'][i]!);
  n.bind(0, n.emit('BatchNormalization', inputs, { layout: format, epsilon: n.attrs.float('epsilon', 1e-4) }));
};

export const NORM_CONVERTERS: Readonly<Record<string, Converter>> = {
  FusedBatchNorm: fusedBatchNorm,
  FusedBatchNormV2: fusedBatchNorm,
  FusedBatchNormV3: fusedBatchNorm,
};
