/**
 * Counterfactuals (issue 13): the smallest change of an example that gives the desired outcome.
 * Gradient-based (Wachter et al. 2017) for models with gradients; Growing Spheres (Laugel et al.
 * 2018) and DiCE-style diverse sets (Mothilal et al. 2020) for any model. Not METHODS entries.
 */
export {
  madScale,
  type Counterfactual,
  type CounterfactualDistance,
  type CounterfactualOptions,
  type CounterfactualResult,
  type FeatureChange,
} from './cf-common.js';
export { Wachter, wachterCounterfactual, type WachterOptions, type WachterResult } from './wachter.js';
export { GrowingSpheres, growingSpheresCounterfactual, type GrowingSpheresOptions, type GrowingSpheresResult } from './growing-spheres.js';
export { Dice, diceCounterfactuals, type DiceOptions, type DiceResult } from './dice.js';
