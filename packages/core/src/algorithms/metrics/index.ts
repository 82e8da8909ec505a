/**
 * Explanation-quality metrics (issue 14): one file per metric, grouped by family. Each file exports
 * its function(s) and a METRICS entry (`metricSpec`). See docs/metrics.md.
 */
export * from './faithfulness/index.js';
export * from './robustness/index.js';
export * from './randomisation/index.js';
export * from './complexity/index.js';
export * from './localisation/index.js';
export { METRICS } from './registry.js';
export {
  metricSpec,
  isMetricSpec,
  meanOf,
  type Explainer,
  type MetricInput,
  type MetricOptions,
  type MetricCurve,
  type MetricResult,
  type MetricFamily,
  type MetricSpec,
} from '../_utils/metric-spec.js';
export { edgeExplainer, edgeMaps, randomExplainer, imageDims } from '../_utils/control-explainers.js';
export { checkMaps, rowOf } from '../_utils/metric-maps.js';
export {
  mapSimilarity,
  prepareMap,
  pearson as pearsonSimilarity,
  spearman as spearmanSimilarity,
  ssim,
  mapGeometry,
  SIMILARITY_MEASURES,
  type SimilarityMeasure,
  type SimilarityOptions,
  type MapGeometry,
} from '../_utils/map-similarity.js';
export * from './evaluate.js';
