/** Layer taps (activations, layer gradients) and overrides. */
import { centralDifferences, expectMatchesFiniteDifferences, seededSums } from '../finite-differences.js';
import { ConformanceError, expectClose } from '../numeric.js';
import {
  BATCH,
  FD_STEP,
  gatherRows,
  indexSeed,
  makeInput,
  makeTargets,
  pickCoords,
  randomSeed,
  type ConformanceCheck,
} from './context.js';

export const activationsCheck: ConformanceCheck = {
  id: 'layer-activations',
  title: 'layerNames lists the graph nodes; activations() matches the reference and forward()',
  requires: { layers: true },
  async run({ model, reference, spec, tolerance }) {
    const missing = spec.taps.filter((l) => !model.layerNames.includes(l));
    if (missing.length > 0) throw new ConformanceError(`layerNames lacks ${missing.join(', ')}`);
    const x = makeInput(spec, BATCH, 21);
    const got = await model.activations(x, spec.taps);
    const ref = await reference.activations(x, spec.taps);
    expectClose(got.outputs, await model.forward(x), tolerance.forward, 'activations() outputs vs forward()');
    for (const layer of spec.taps) {
      const a = got.layers[layer];
      if (!a) throw new ConformanceError(`activations() did not return layer ${layer}`);
      expectClose(a, ref.layers[layer]!, tolerance.forward, `activation of ${layer}`);
    }
  },
};

export const layerGradientCheck: ConformanceCheck = {
  id: 'layer-gradients',
  title: 'gradient() layer taps (activation and gradient) match the reference',
  requires: { gradients: true, layers: true },
  async run({ model, reference, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 22);
    const seed = indexSeed(makeTargets(spec, BATCH));
    const got = await model.gradient(x, { seed, layers: spec.taps });
    const ref = await reference.gradient(x, { seed, layers: spec.taps });
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'input gradient with taps');
    for (const layer of spec.taps) {
      const tap = got.layers[layer];
      if (!tap) throw new ConformanceError(`gradient() did not return layer ${layer}`);
      expectClose(tap.activation, ref.layers[layer]!.activation, tolerance.forward, `activation of ${layer}`);
      expectClose(tap.gradient, ref.layers[layer]!.gradient, tolerance.gradient, `gradient wrt ${layer}`);
    }
  },
};

export const layerFiniteDifferenceCheck: ConformanceCheck = {
  id: 'layer-gradient-finite-differences',
  title: 'gradient wrt a layer matches finite differences of the output under overrides of that layer',
  requires: { gradients: true, layers: true },
  async run({ model, spec, tolerance }) {
    const x = makeInput(spec, BATCH, 23);
    const seed = randomSeed(spec, model, BATCH, 24);
    for (const layer of [spec.taps[0]!, spec.cut]) {
      const base = await model.gradient(x, { seed: { kind: 'tensor', seed }, layers: [layer] });
      const activation = base.layers[layer]!.activation;
      const coords = pickCoords(activation.data.length / BATCH, 32, 25);
      const fd = await centralDifferences(
        activation,
        async (points, owner) => {
          const rows = await model.gradient(gatherRows(x, owner), {
            seed: { kind: 'tensor', seed: gatherRows(seed, owner) },
            overrides: { [layer]: points },
          });
          return seededSums(rows.outputs, seed, owner);
        },
        { h: FD_STEP, coords },
      );
      expectMatchesFiniteDifferences(base.layers[layer]!.gradient, fd, coords, tolerance.finiteDifference, `gradient wrt ${layer}`);
    }
  },
};

export const overridesCheck: ConformanceCheck = {
  id: 'overrides',
  title: "overriding a cut layer with another input's activation reproduces that input's output and gradients",
  requires: { gradients: true, layers: true },
  async run({ model, reference, spec, tolerance }) {
    const x1 = makeInput(spec, BATCH, 26);
    const x2 = makeInput(spec, BATCH, 27);
    const seed = indexSeed(makeTargets(spec, BATCH));
    const a2 = (await model.activations(x2, [spec.cut])).layers[spec.cut]!;
    const request = { seed, layers: [spec.cut], overrides: { [spec.cut]: a2 } };
    const got = await model.gradient(x1, request);
    const plain2 = await model.gradient(x2, { seed, layers: [spec.cut] });
    expectClose(got.outputs, plain2.outputs, tolerance.forward, `outputs with ${spec.cut} overridden`);
    expectClose(got.layers[spec.cut]!.activation, a2, tolerance.forward, `tapped activation of overridden ${spec.cut}`);
    expectClose(got.layers[spec.cut]!.gradient, plain2.layers[spec.cut]!.gradient, tolerance.gradient, `gradient wrt overridden ${spec.cut}`);
    const ref = await reference.gradient(x1, request);
    expectClose(got.outputs, ref.outputs, tolerance.forward, 'outputs with override vs reference');
    expectClose(got.inputGradient, ref.inputGradient, tolerance.gradient, 'input gradient with override vs reference');
  },
};
