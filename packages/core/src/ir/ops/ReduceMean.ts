/** ReduceMean with attributes `axes` (absent = all) and `keepdims` (default 1); see reduce.ts. */
import { reduceOp } from './reduce.js';

export const ReduceMean = reduceOp('ReduceMean', true);
