/** Image segmentation for perturbation methods (LIME image superpixels). */
export { slic, enforceConnectivity, type SlicOptions, type Segmentation } from './slic.js';
