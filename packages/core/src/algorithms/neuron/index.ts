/**
 * The neuron family (one neuron of a layer, attributed to the input). One line per algorithm
 * file: what @glasswing/core exports from it, its METHODS entry included (registry.ts collects
 * every entry the family indexes export).
 */
export { neuronCanonizer, flatNeuron, type NeuronOptions, type NeuronSelector } from './neuron-common.js';
export { NeuronGradient, type NeuronGradientOptions, neuronGradientMethod } from './neuron-gradient.js';
export { NeuronIntegratedGradients, type NeuronIntegratedGradientsOptions, neuronIntegratedGradientsMethod } from './neuron-integrated-gradients.js';
export { NeuronConductance, type NeuronConductanceOptions, neuronConductanceMethod } from './neuron-conductance.js';
