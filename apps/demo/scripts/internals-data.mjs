/**
 * Example data for `glasswing concepts` and `glasswing clusters` on the demo CNN:
 *   node apps/demo/scripts/internals-data.mjs <out-dir>
 * writes (tensor files, NHWC [N, 20, 20, 1], as `--input` takes them):
 *   class0.json             60 dataset images whose label is 0 (horizontal bar): TCAV inputs
 *   concept-horizontal.json 60 images: noise, the region's frame, one horizontal bar inside it
 *   concept-vertical.json   60 images: the same with a vertical bar
 *   concept-outside.json    60 images: the same frame, 2–3 horizontal bars outside the region
 *   random.json             600 dataset images of every class (the random pool)
 *   data.json, labels.json  150 dataset images and their labels (for clusters)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_SIZE, REGION, createUniform, generateDataset } from './dataset.mjs';

const out = process.argv[2] ?? 'internals-data';
mkdirSync(out, { recursive: true });
const S = IMAGE_SIZE;
const write = (name, images, n) => writeFileSync(join(out, name), JSON.stringify({ shape: [n, S, S, 1], data: Array.from(images, (v) => Math.round(v * 1e4) / 1e4) }));

function conceptImages(n, seed, kind, inside) {
  const rand = createUniform(seed);
  const images = new Float32Array(n * S * S);
  const { top, left, size } = REGION;
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * S * S, (i + 1) * S * S);
    for (let p = 0; p < S * S; p++) img[p] = 0.15 * rand();
    for (let k = -1; k <= size; k++) {
      img[(top - 1) * S + left + k] = 0.35;
      img[(top + size) * S + left + k] = 0.35;
      img[(top + k) * S + left - 1] = 0.35;
      img[(top + k) * S + left + size] = 0.35;
    }
    const bar = (r, c) => {
      const v = 0.7 + 0.3 * rand();
      for (let k = 0; k < 4; k++) {
        if (kind === 'h') img[r * S + c + k] = v;
        else img[(r + k) * S + c] = v;
      }
    };
    if (inside) {
      const r = kind === 'h' ? top + Math.floor(rand() * size) : top + Math.floor(rand() * (size - 3));
      const c = kind === 'h' ? left + Math.floor(rand() * (size - 3)) : left + Math.floor(rand() * size);
      bar(r, c);
    } else {
      const m = 2 + Math.floor(rand() * 2);
      for (let d = 0; d < m; d++) {
        // rows 11..19 (below the region and its margin)
        bar(11 + Math.floor(rand() * 9), Math.floor(rand() * (S - 4)));
      }
    }
  }
  return images;
}

const train = generateDataset({ count: 400, seed: 1234 });
const idx0 = [];
for (let i = 0; i < 400 && idx0.length < 60; i++) if (train.labels[i] === 0) idx0.push(i);
const class0 = new Float32Array(60 * S * S);
idx0.forEach((i, k) => class0.set(train.images.subarray(i * S * S, (i + 1) * S * S), k * S * S));
write('class0.json', class0, 60);
write('concept-horizontal.json', conceptImages(60, 11, 'h', true), 60);
write('concept-vertical.json', conceptImages(60, 12, 'v', true), 60);
write('concept-outside.json', conceptImages(60, 13, 'h', false), 60);
const pool = generateDataset({ count: 600, seed: 777 });
write('random.json', pool.images, 600);
const data = generateDataset({ count: 150, seed: 4242 });
write('data.json', data.images, 150);
writeFileSync(join(out, 'labels.json'), JSON.stringify(Array.from(data.labels)));
console.log(`wrote example data to ${out}`);
