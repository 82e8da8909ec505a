export { renderHeatmap, renderHeatmapPng, symmetricScale } from './heatmap.js';
export type { AttributionLayout, HeatmapImage, HeatmapOptions } from './heatmap.js';
export { divergingColor, colormapTable, COLORMAP_SIZE, NEGATIVE_END, POSITIVE_END, MIDPOINT } from './colormap.js';
