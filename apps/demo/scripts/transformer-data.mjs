/**
 * The synthetic task of the bundled transformer (see train-transformer.mjs): sequences of 10
 * tokens, [CLS] first, exactly one marker A or B (the label) at a random position 1..9, the rest
 * distractors c..g. Seeded (mulberry32), so the committed samples can be regenerated.
 */
export const VOCAB = ['[CLS]', 'A', 'B', 'c', 'd', 'e', 'f', 'g'];
export const LABELS = ['A', 'B'];
export const SEQ = 10;
const V = VOCAB.length;

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` examples: token ids [count][SEQ], labels, and the marker positions. */
export function makeDataset(count, seed) {
  const rand = prng(seed);
  const tokens = [];
  const labels = [];
  const markers = [];
  for (let i = 0; i < count; i++) {
    const label = rand() < 0.5 ? 0 : 1;
    const pos = 1 + Math.floor(rand() * (SEQ - 1));
    const row = [0];
    for (let p = 1; p < SEQ; p++) row.push(p === pos ? 1 + label : 3 + Math.floor(rand() * (V - 3)));
    tokens.push(row);
    labels.push(label);
    markers.push(pos);
  }
  return { tokens, labels, markers };
}

/** One-hot rows [N * SEQ * V] of token-id sequences (the model's input layout [N, SEQ, V]). */
export function tokensToOneHot(rows) {
  const data = new Float32Array(rows.length * SEQ * V);
  rows.forEach((row, i) => row.forEach((t, p) => (data[(i * SEQ + p) * V + t] = 1)));
  return data;
}
