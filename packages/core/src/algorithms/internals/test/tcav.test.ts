/**
 * TCAV on a hand-built graph whose target's dependence on the concept direction is known
 * (concept-models.ts): along the planted direction e₀ the derivative of y₀ is u₀ = 1 > 0 on every
 * input, so the planted concept's CAV (≈ +e₀) scores 1 in every run and is significant; a
 * "concept" drawn from the random distribution is not (statistically: over 20 seeds at most 4
 * false positives, P(≥ 5) ≈ 0.003 at a 5 % rate). Typed errors, seeding, progress and abort.
 */
import { describe, expect, it } from 'vitest';
import { createReferenceModel } from '../../../reference-model.js';
import { AbortError, CapabilityError, InvalidArgumentError, ShapeError } from '../../../errors.js';
import { Tcav, tcav } from '../tcav.js';
import { gaussianRows, plantedConceptGraph } from './concept-models.js';

const model = createReferenceModel(plantedConceptGraph());
// Inputs: h₀ > 0 for all (coordinate 0 in [0.5, 2.5]).
const inputs = (() => {
  const t = gaussianRows(40, 11);
  for (let i = 0; i < 40; i++) t.data[i * 4] = 0.5 + 2 * ((i * 7) % 40) / 40;
  return t;
})();
const planted = gaussianRows(30, 21, 3, 0.5);
const pool = gaussianRows(400, 31);

describe('TCAV on a planted concept', () => {
  it('recovers the planted direction: score ≈ 1, significant; CAV ∝ +e₀', async () => {
    const r = await tcav(model, inputs, { layers: ['fc1'], concepts: [{ name: 'planted', examples: planted }], random: pool, target: 0, seed: 1 });
    expect(r.runs).toBe(10);
    const c = r.results[0]!;
    expect(c.scores).toHaveLength(10);
    expect(c.mean).toBeGreaterThanOrEqual(0.95);
    expect(c.pValue).toBeLessThan(0.05);
    expect(c.significant).toBe(true);
    expect(c.magnitudeMean).toBeGreaterThan(0.9);
    for (const v of c.cavs) {
      const norm = Math.hypot(...v);
      expect(v[0]! / norm).toBeGreaterThan(0.8); // Captum's orientation: towards the concept
    }
    expect(Math.min(...c.accuracies)).toBeGreaterThan(0.85);
    // Random baseline: random vs random, accuracies near chance, scores spread.
    expect(r.random[0]!.mean).toBeGreaterThan(0.1);
    expect(r.random[0]!.mean).toBeLessThan(0.9);
    // The target's other class sees the opposite derivative: score ≈ 0, still significant.
    const neg = await tcav(model, inputs, { layers: ['fc1'], concepts: [{ name: 'planted', examples: planted }], random: pool, target: 1, seed: 1 });
    expect(neg.results[0]!.mean).toBeLessThanOrEqual(0.05);
    expect(neg.results[0]!.significant).toBe(true);
  });

  it('a random "concept" is not significant (≤ 4 of 20 seeds at p < 0.05)', async () => {
    let falsePositives = 0;
    const means: number[] = [];
    for (let s = 0; s < 20; s++) {
      const fake = gaussianRows(120, 500 + s);
      const r = await tcav(model, inputs, { layers: ['fc1'], concepts: [{ name: 'fake', examples: fake }], random: pool, randomSetSize: 30, target: 0, seed: s });
      if (r.results[0]!.significant) falsePositives++;
      means.push(r.results[0]!.mean);
    }
    expect(falsePositives).toBeLessThanOrEqual(4);
    const avg = means.reduce((a, b) => a + b, 0) / means.length;
    expect(avg).toBeGreaterThan(0.2);
    expect(avg).toBeLessThan(0.8);
  });

  it('is seeded: same seed → identical CAVs and scores; another seed differs', async () => {
    const opts = { layers: ['fc1', 'relu'], concepts: [{ name: 'planted', examples: planted }], random: pool, target: 0, randomRuns: 3 } as const;
    const a = await tcav(model, inputs, { ...opts, seed: 5 });
    const b = await tcav(model, inputs, { ...opts, seed: 5 });
    const c = await tcav(model, inputs, { ...opts, seed: 6 });
    expect(a.results.map((r) => r.cavs.map((v) => Array.from(v)))).toEqual(b.results.map((r) => r.cavs.map((v) => Array.from(v))));
    expect(a.random.map((r) => r.scores)).toEqual(b.random.map((r) => r.scores));
    expect(a.results[0]!.cavs[0]).not.toEqual(c.results[0]!.cavs[0]);
    expect(a.results.map((r) => r.layer)).toEqual(['fc1', 'relu']);
  });

  it('takes explicit random sets; reports progress; honours abort', async () => {
    const sets = [0, 1, 2].map((k) => gaussianRows(20, 900 + k));
    const seen: number[] = [];
    const r = await new Tcav(model).interpret(inputs, {
      layers: ['fc1'], concepts: [{ name: 'planted', examples: planted }], random: sets, target: 0,
      onProgress: (p) => seen.push(p.done / p.total),
    });
    expect(r.runs).toBe(3);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
    const ac = new AbortController();
    ac.abort();
    await expect(tcav(model, inputs, { layers: ['fc1'], concepts: [{ name: 'p', examples: planted }], random: pool, target: 0, signal: ac.signal })).rejects.toThrow(AbortError);
  });

  it('typed errors: unknown layer, empty concept, too few examples, mismatched shapes, no gradients', async () => {
    const base = { layers: ['fc1'], concepts: [{ name: 'planted', examples: planted }], random: pool, target: 0 };
    await expect(tcav(model, inputs, { ...base, layers: ['nope'] })).rejects.toThrow(InvalidArgumentError);
    await expect(tcav(model, inputs, { ...base, layers: ['nope'] })).rejects.toThrow(/nope/);
    await expect(tcav(model, inputs, { ...base, concepts: [{ name: 'e', examples: { shape: [0, 4], data: new Float32Array(0) } }] })).rejects.toThrow(/concept 'e' is empty/);
    await expect(tcav(model, inputs, { ...base, concepts: [{ name: 'one', examples: gaussianRows(1, 3) }] })).rejects.toThrow(/too few examples/);
    await expect(tcav(model, inputs, { ...base, concepts: [{ name: 'bad', examples: { shape: [3, 5], data: new Float32Array(15) } }] })).rejects.toThrow(ShapeError);
    await expect(tcav(model, { shape: [2, 3], data: new Float32Array(6) }, base)).rejects.toThrow(ShapeError);
    await expect(tcav(model, inputs, { ...base, randomRuns: 1 })).rejects.toThrow(/randomRuns/);
    await expect(tcav(model, inputs, { ...base, concepts: [] })).rejects.toThrow(/at least one concept/);
    await expect(tcav(model, inputs, { ...base, concepts: [base.concepts[0]!, base.concepts[0]!] })).rejects.toThrow(/used twice/);
    const noGrad = { ...model, capabilities: { ...model.capabilities, gradients: false } };
    await expect(tcav(noGrad, inputs, base)).rejects.toThrow(CapabilityError);
  });
});
