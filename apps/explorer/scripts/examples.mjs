/**
 * Copies the bundled example models into public/examples/ (git-ignored; Vite serves and builds
 * it) and writes public/examples/catalog.json: per example its model files, classes, input kind,
 * preprocessing defaults and sample inputs (PNG images, CSV rows or token sequences). Runs before
 * `vite` and `vite build` (package scripts), so the page never reads anything outside its folder.
 *
 * Sample images: the demo CNN's from apps/demo/scripts/dataset.mjs (held-out seed 2, 8-bit PNG);
 * LeNet's are synthetic strokes (the repo holds no MNIST images): draw your own on the page.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { generateDataset, CLASS_NAMES } from '../../demo/scripts/dataset.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../..');
const OUT = path.resolve(HERE, '../public/examples');

const readJson = (p) => JSON.parse(readFileSync(path.join(ROOT, p), 'utf8'));

function copy(id, files) {
  mkdirSync(path.join(OUT, id), { recursive: true });
  for (const [from, to] of files) copyFileSync(path.join(ROOT, from), path.join(OUT, id, to));
  return files.map(([, to]) => `${id}/${to}`);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A gray image (values in [0, 1], row-major h×w) as an 8-bit grayscale PNG. Written here (node:zlib)
 * so that `pnpm explorer` needs no prior build of the workspace packages.
 */
function grayPng(values, h, w) {
  const raw = Buffer.alloc(h * (w + 1));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) raw[y * (w + 1) + 1 + x] = Math.round(Math.min(1, Math.max(0, values[y * w + x])) * 255);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(w, 0);
  header.writeUInt32BE(h, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit grayscale, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function writeSample(id, name, png) {
  writeFileSync(path.join(OUT, id, name), png);
  return `${id}/${name}`;
}

/** Synthetic 28×28 digit strokes (white on black, like MNIST): 1, 7 and 0. */
function digits() {
  const S = 28;
  const make = (paint) => {
    const img = new Float32Array(S * S);
    const dot = (r, c) => {
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
        const y = Math.round(r + dr), x = Math.round(c + dc);
        if (y >= 0 && y < S && x >= 0 && x < S) img[y * S + x] = Math.max(img[y * S + x], dr === 0 && dc === 0 ? 1 : 0.6);
      }
    };
    paint(dot);
    return img;
  };
  const line = (dot, r0, c0, r1, c1) => {
    for (let t = 0; t <= 40; t++) dot(r0 + ((r1 - r0) * t) / 40, c0 + ((c1 - c0) * t) / 40);
  };
  return [
    { label: 'one', image: make((dot) => line(dot, 5, 15, 22, 13)) },
    { label: 'seven', image: make((dot) => (line(dot, 6, 8, 6, 20), line(dot, 6, 20, 22, 11))) },
    {
      label: 'zero',
      image: make((dot) => {
        for (let t = 0; t < 60; t++) dot(14 + 8 * Math.sin((2 * Math.PI * t) / 60), 14 + 5.5 * Math.cos((2 * Math.PI * t) / 60));
      }),
    },
  ];
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const catalog = [];

{
  const files = copy('demo-cnn', [['apps/demo/model/model.json', 'model.json'], ['apps/demo/model/weights.bin', 'weights.bin']]);
  const { images, labels } = generateDataset({ count: 6, seed: 2 });
  const samples = [];
  for (let n = 0; n < 6; n++) {
    const file = writeSample('demo-cnn', `sample-${n}.png`, grayPng(images.subarray(n * 400, (n + 1) * 400), 20, 20));
    samples.push({ label: `${CLASS_NAMES[labels[n]]} (#${n})`, file });
  }
  catalog.push({
    id: 'demo-cnn',
    title: 'Demo CNN (20×20 strokes)',
    description: 'The stroke inside the framed region (rows 3–8, columns 11–16) decides the class; strokes elsewhere are distractors. A good explanation lights up the frame.',
    files,
    classes: CLASS_NAMES,
    input: { kind: 'image', preprocessing: { scale: 1 / 255, mean: 0, std: 1, invert: false } },
    samples,
  });
}
{
  const files = copy('lenet', [['benchmarks/models/lenet_mnist/model.json', 'model.json'], ['benchmarks/models/lenet_mnist/group1-shard1of1.bin', 'group1-shard1of1.bin']]);
  const samples = digits().map((d, i) => ({ label: `drawn ${d.label}`, file: writeSample('lenet', `digit-${i}.png`, grayPng(d.image, 28, 28)) }));
  catalog.push({
    id: 'lenet',
    title: 'LeNet (28×28 digits layout)',
    description: 'The benchmarks’ LeNet (Conv–Pool–Conv–Pool–Dense–Dense, 421k parameters) with seeded, untrained weights: its predictions mean nothing, but it shows every method on a real-sized CNN. Draw on the pad or drop an image.',
    files,
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    input: { kind: 'image', preprocessing: { scale: 1 / 255, mean: 0, std: 1, invert: false } },
    samples,
  });
}
{
  const meta = readJson('apps/demo/credit/meta.json');
  const files = copy('credit', [['apps/demo/credit/model.json', 'model.json'], ['apps/demo/credit/weights.bin', 'weights.bin']]);
  const rows = readFileSync(path.join(ROOT, 'apps/demo/credit/data.csv'), 'utf8').trim().split('\n').slice(1, 7);
  catalog.push({
    id: 'credit',
    title: 'Credit scoring MLP (8 features)',
    description: 'Approve iff few late payments, a low debt ratio and enough income — or high income, or high savings.',
    files,
    classes: meta.classes,
    input: { kind: 'tabular', features: meta.features },
    samples: rows.map((row, i) => ({ label: `applicant ${i + 1}`, row })),
  });
}
{
  const files = copy('mlp-tabular', [['benchmarks/models/mlp_tabular/model.json', 'model.json'], ['benchmarks/models/mlp_tabular/group1-shard1of1.bin', 'group1-shard1of1.bin']]);
  const row = (seed) => Array.from({ length: 10 }, (_, i) => (Math.sin(seed * 12.9898 + i * 78.233) * 0.5 + (i % 3) * 0.2).toFixed(3)).join(',');
  catalog.push({
    id: 'mlp-tabular',
    title: 'mlp_tabular (benchmark MLP, 10 features)',
    description: 'The benchmarks’ tabular MLP (random weights, 10 unnamed features, 2 classes).',
    files,
    classes: ['class 0', 'class 1'],
    input: { kind: 'tabular', features: Array.from({ length: 10 }, (_, i) => `x${i}`) },
    samples: [1, 2, 3].map((s) => ({ label: `row ${s}`, row: row(s) })),
  });
}
{
  const meta = readJson('apps/demo/transformer/meta.json');
  const files = copy('transformer', [['apps/demo/transformer/tfjs/model.json', 'model.json'], ['apps/demo/transformer/tfjs/weights.bin', 'weights.bin']]);
  const tokens = meta.samples.tokens.slice(0, 6);
  catalog.push({
    id: 'transformer',
    title: 'Tiny transformer (2 layers, 2 heads)',
    description: `Sequences of ${meta.seqLength} tokens: [CLS], then exactly one marker A or B somewhere among filler tokens c–g; the class is the marker. A good explanation points at it.`,
    files,
    classes: meta.labels.map((l) => `${l}`),
    input: { kind: 'tokens', vocab: meta.vocab, seqLength: meta.seqLength },
    samples: tokens.map((t, i) => ({ label: `sequence ${i + 1}`, tokens: t.map((k) => meta.vocab[k]).join(' ') })),
  });
}
writeFileSync(path.join(OUT, 'catalog.json'), JSON.stringify(catalog, null, 1));
console.log(`examples: ${catalog.map((c) => c.id).join(', ')} -> ${path.relative(ROOT, OUT)}`);
