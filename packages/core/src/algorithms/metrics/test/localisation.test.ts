import { describe, expect, it } from 'vitest';
import { pointingGame, pointingGameMetric } from '../localisation/pointing-game.js';
import { relevanceMass, relevanceMassMetric } from '../localisation/relevance-mass.js';
import { relevanceRank, relevanceRankMetric } from '../localisation/relevance-rank.js';
import { topKIntersection, topKIntersectionMetric } from '../localisation/top-k-intersection.js';
import { localisationAuc, localisationAucMetric, maskRocAuc } from '../localisation/localisation-auc.js';
import { METRICS } from '../registry.js';
import { fromFunction } from '../../../function-model.js';
import { InvalidArgumentError, ShapeError } from '../../../errors.js';
import type { Tensor } from '../../../tensor.js';

const t = (shape: number[], data: number[]): Tensor => ({ shape, data: Float32Array.from(data) });
const flat = fromFunction(async (x) => x, { inputShape: [6], outputShape: [6] });
const xFlat = t([1, 6], [0, 0, 0, 0, 0, 0]);
// Mask: features 1, 2 and 4.
const mask6 = t([1, 6], [0, 1, 1, 0, 1, 0]);
const attr6 = t([1, 6], [0.5, 3, -1, 2, 1, -4]);
const input6 = { model: flat, x: xFlat, attributions: attr6, masks: mask6 };

describe('localisation metrics on a hand-checked vector', () => {
  // a = (0.5, 3, −1, 2, 1, −4), M = {1, 2, 4}. Descending order: 1 (3), 3 (2), 4 (1), 0 (0.5), 2 (−1), 5 (−4).
  it('pointing game: the maximum (feature 1) is inside → 1; moved outside → 0', () => {
    expect(pointingGame(input6).scores).toEqual([1]);
    expect(pointingGame({ ...input6, attributions: t([1, 6], [0.5, 3, -1, 2, 1, -4].map((v, i) => (i === 3 ? 9 : v))) }).scores).toEqual([0]);
    // abs: |−4| at feature 5 (outside) wins → 0.
    expect(pointingGame(input6, { abs: true }).scores).toEqual([0]);
    // Ties: a hit if any maximal feature is inside (Quantus).
    expect(pointingGame({ ...input6, attributions: t([1, 6], [5, 0, 0, 0, 5, 0]) }).scores).toEqual([1]);
  });

  it('relevance mass: positive relevance inside over all positive relevance', () => {
    // Positive parts: (0.5, 3, 0, 2, 1, 0), total 6.5; inside (1, 2, 4): 3 + 0 + 1 = 4 → 4/6.5.
    expect(relevanceMass(input6).scores[0]).toBeCloseTo(4 / 6.5, 12);
    expect(relevanceMass({ ...input6, attributions: t([1, 6], [-1, -1, 0, 0, 0, -2]) }).scores).toEqual([0]);
  });

  it('relevance rank: K = |M| = 3, top 3 = {1, 3, 4}, two inside → 2/3', () => {
    expect(relevanceRank(input6).scores[0]).toBeCloseTo(2 / 3, 12);
    // abs: |a| = (0.5, 3, 1, 2, 1, 4): top 3 = {5, 1, 3} → 1/3.
    expect(relevanceRank(input6, { abs: true }).scores[0]).toBeCloseTo(1 / 3, 12);
  });

  it('top-k intersection: k = 2 → {1, 3}: 1/2; k = 4 → {1, 3, 4, 0}: 2/4; the default 1000 clips to 6 → 3/6', () => {
    expect(topKIntersection(input6, { k: 2 }).scores).toEqual([0.5]);
    expect(topKIntersection(input6, { k: 4 }).scores).toEqual([0.5]);
    const r = topKIntersection(input6);
    expect(r.scores).toEqual([0.5]);
    expect(r.details).toEqual({ k: 6 });
  });

  it('AUC: counting inside-outside pairs by hand', () => {
    // Inside scores (3, −1, 1), outside (0.5, 2, −4): pairs inside > outside:
    // 3 beats all 3; −1 beats −4 (1); 1 beats 0.5 and −4 (2) → 6 of 9.
    expect(localisationAuc(input6).scores[0]).toBeCloseTo(6 / 9, 12);
    // A tie counts one half: inside (1, 1), outside (1, 0): pairs 1>0 twice, 1=1 twice → (2 + 1)/4.
    expect(maskRocAuc([1, 1, 1, 0], [1, 1, 0, 0])).toBeCloseTo(0.75, 12);
    expect(maskRocAuc([3, 2, 1, 0], [1, 1, 0, 0])).toBe(1);
    expect(maskRocAuc([0, 1, 2, 3], [1, 1, 0, 0])).toBe(0);
  });
});

describe('images: channels are summed per pixel (default) or kept', () => {
  // A 2×2 image with 2 channels, NHWC [2, 2, 2]. Mask: pixel (0,1) — given on channel 1 only.
  const img = fromFunction(async (x) => x, { inputShape: [2, 2, 2], outputShape: [8] });
  const x = t([1, 2, 2, 2], new Array(8).fill(0));
  // Pixel sums: p0 = 1 + 1 = 2, p1 = 3 + (−2) = 1, p2 = 0 + 1.5 = 1.5, p3 = 0 + 0 = 0.
  const attributions = t([1, 2, 2, 2], [1, 1, 3, -2, 0, 1.5, 0, 0]);
  const masks = t([1, 2, 2, 2], [0, 0, 0, 1, 0, 0, 0, 0]);
  const input = { model: img, x, attributions, masks };

  it('summed: the peak is pixel 0, outside → miss; per value: the peak 3 is channel 0 of pixel 1, but only channel 1 is masked → miss', () => {
    expect(pointingGame(input).scores).toEqual([0]);
    expect(pointingGame(input, { sumChannels: false }).scores).toEqual([0]);
    // Relevance mass summed: positives (2, 1, 1.5, 0), inside p1: 1/4.5.
    expect(relevanceMass(input).scores[0]).toBeCloseTo(1 / 4.5, 12);
    // Per value: positives 1 + 1 + 3 + 1.5 = 6.5, inside (value 3: −2) → 0.
    expect(relevanceMass(input, { sumChannels: false }).scores).toEqual([0]);
    // AUC summed: inside p1 = 1 beats p3 = 0 only of (2, 1.5, 0) → 1/3.
    expect(localisationAuc(input).scores[0]).toBeCloseTo(1 / 3, 12);
  });

  it('tolerance: pixel 0 is 1 pixel from the masked pixel 1 → a hit with tolerance 1', () => {
    expect(pointingGame(input, { tolerance: 1 }).scores).toEqual([1]);
    expect(pointingGame(input, { tolerance: 0.9 }).scores).toEqual([0]);
    expect(() => pointingGame(input6, { tolerance: 1 })).toThrow(/tolerance needs an image input/);
  });
});

describe('typed errors', () => {
  const all = [pointingGame, relevanceMass, relevanceRank, topKIntersection, localisationAuc];
  it('missing masks name the metric and the masks input; wrong shape; empty mask', () => {
    for (const f of all) {
      expect(() => f({ ...input6, masks: undefined })).toThrow(InvalidArgumentError);
      expect(() => f({ ...input6, masks: undefined })).toThrow(/needs the 'masks' input/);
      expect(() => f({ ...input6, masks: t([1, 5], [1, 0, 0, 0, 0]) })).toThrow(ShapeError);
      expect(() => f({ ...input6, masks: t([1, 6], [0, 0, 0, 0, 0, 0]) })).toThrow(/mask of example 0 is empty/);
      expect(() => f({ ...input6, masks: t([1, 6], [0, NaN, 0, 0, 0, 0]) })).toThrow(InvalidArgumentError);
    }
    expect(() => pointingGame({ ...input6, masks: undefined })).toThrow(/^pointing-game/);
    expect(() => localisationAuc({ ...input6, masks: t([1, 6], [1, 1, 1, 1, 1, 1]) })).toThrow(/covers every feature/);
    expect(() => topKIntersection(input6, { k: 0 })).toThrow(InvalidArgumentError);
  });

  it('every entry is registered, needs masks, and runs like its function', async () => {
    for (const [e, f] of [
      [pointingGameMetric, pointingGame],
      [relevanceMassMetric, relevanceMass],
      [relevanceRankMetric, relevanceRank],
      [topKIntersectionMetric, topKIntersection],
      [localisationAucMetric, localisationAuc],
    ] as const) {
      expect(METRICS[e.id]).toBe(e);
      expect(e.needs.masks).toBe(true);
      expect((await e.run(input6)).scores).toEqual(f(input6).scores);
    }
  });
});
