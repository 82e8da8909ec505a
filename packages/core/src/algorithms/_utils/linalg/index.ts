/** Float64 linear algebra for the surrogate-model methods (KernelSHAP, LIME). */
export { choleskyFactor, choleskySolve, solveSymmetric, type CholeskyFactor } from './cholesky.js';
export { WeightedStats, ridge, weightedLeastSquares, type RegressionFit, type RidgeOptions } from './weighted-least-squares.js';
export { lassoGram, lassoPathOrder, type LassoOptions } from './lasso.js';
