/**
 * The bundled transformer (transformer/, made by scripts/train-transformer.mjs) is the model the
 * attention methods are tested on: check the committed samples are the generator's, the model is
 * right on fresh sequences (a seed never used in training), and its attention nodes are found.
 */
import { readFileSync } from 'node:fs';
import { argmaxRows, createReferenceModel, findAttentionNodes, graphFromJSON } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { SEQ, VOCAB, makeDataset, tokensToOneHot } from '../scripts/transformer-data.mjs';

const DIR = new URL('../transformer/', import.meta.url);
const META = JSON.parse(readFileSync(new URL('meta.json', DIR), 'utf8'));
const graph = graphFromJSON(JSON.parse(readFileSync(new URL('model.graph.json', DIR), 'utf8')));

describe('bundled transformer', () => {
  it('meta.json holds the generator samples and vocabulary', () => {
    const s = makeDataset(32, 5);
    expect(META.samples.tokens).toEqual(s.tokens);
    expect(META.samples.markers).toEqual(s.markers);
    expect(META.vocab).toEqual(VOCAB);
    // Exactly one marker per sequence, at the recorded position; its identity is the label.
    s.tokens.forEach((row, i) => {
      expect(row.filter((t) => t === 1 || t === 2)).toEqual([1 + s.labels[i]]);
      expect(row[s.markers[i]]).toBe(1 + s.labels[i]);
    });
  });

  it('classifies fresh sequences (seed 9) by their marker', async () => {
    const d = makeDataset(200, 9);
    const model = createReferenceModel(graph);
    const out = await model.forward({ shape: [200, SEQ, VOCAB.length], data: tokensToOneHot(d.tokens) });
    const pred = argmaxRows(out);
    expect(pred.filter((p, i) => p === d.labels[i]).length).toBeGreaterThanOrEqual(196);
  });

  it('has four attention Softmaxes in two layers, named in meta.json', () => {
    expect(findAttentionNodes(graph).map((n) => `${n.name}@${n.layer}`)).toEqual(META.attentionNodes.map((n, i) => `${n}@${i < 2 ? 0 : 1}`));
  });
});
