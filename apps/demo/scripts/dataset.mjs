/**
 * The demo's synthetic image task, where the right explanation is known by construction.
 *
 * Images are 20x20x1 (NHWC, values roughly in [0, 1]) with faint background noise and 3–6
 * distractor strokes (horizontal bars, vertical bars and plus signs) at random places. A fixed
 * "decisive region" — the 6x6 patch at rows 3..8, columns 11..16, outlined by a faint frame —
 * holds exactly one stroke, and its kind is the label:
 *   0 = horizontal bar, 1 = vertical bar, 2 = plus sign.
 * Distractors never enter the region, its frame or a 1-pixel margin around it, and they use the
 * same shapes, so only what lies inside the region decides the class: a faithful explanation
 * puts its attribution mass there.
 *
 * Everything is generated from a seed by a small PRNG defined here (mulberry32), so a dataset
 * is identical on every run and machine.
 */

export const IMAGE_SIZE = 20;
export const CLASS_NAMES = ['horizontal bar', 'vertical bar', 'plus sign'];
/** The decisive region: rows top..top+size-1, columns left..left+size-1. */
export const REGION = Object.freeze({ top: 3, left: 11, size: 6 });
const FRAME_VALUE = 0.35;
const NOISE = 0.15;

/** mulberry32: a tiny 32-bit seeded generator; returns uniform doubles in [0, 1). */
export function createUniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pixels [row, col] of a stroke of `kind` (0 h-bar, 1 v-bar, 2 plus) anchored at (r, c). */
function strokePixels(kind, r, c) {
  const px = [];
  if (kind === 0 || kind === 2) for (let k = 0; k < 4; k++) px.push([r + (kind === 2 ? 1 : 0), c + k]);
  if (kind === 1 || kind === 2) for (let k = 0; k < 4; k++) px.push([r + k, c + (kind === 2 ? 1 : 0)]);
  return px;
}

/** Strokes fit in a 4x4 box anchored at (r, c). */
const STROKE_BOX = 4;

function insideBox(r, c, top, left, bottom, right) {
  return r >= top && r <= bottom && c >= left && c <= right;
}

/** A per-pixel mask (Float32Array of IMAGE_SIZE², 1 inside the decisive region). */
export function regionMask() {
  const mask = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let r = REGION.top; r < REGION.top + REGION.size; r++) {
    for (let c = REGION.left; c < REGION.left + REGION.size; c++) mask[r * IMAGE_SIZE + c] = 1;
  }
  return mask;
}

/**
 * Generate `count` examples from `seed`.
 * Returns { images: Float32Array (count*20*20), labels: Int32Array, shape: [count, 20, 20, 1] }.
 */
export function generateDataset({ count, seed }) {
  const rand = createUniform(seed);
  const S = IMAGE_SIZE;
  const images = new Float32Array(count * S * S);
  const labels = new Int32Array(count);
  const { top, left, size } = REGION;
  // Distractors stay out of region + frame + 1-pixel margin.
  const ex = { top: top - 2, left: left - 2, bottom: top + size + 1, right: left + size + 1 };
  for (let n = 0; n < count; n++) {
    const img = images.subarray(n * S * S, (n + 1) * S * S);
    for (let i = 0; i < S * S; i++) img[i] = NOISE * rand();
    // faint frame around the region
    for (let k = -1; k <= size; k++) {
      img[(top - 1) * S + left + k] = FRAME_VALUE;
      img[(top + size) * S + left + k] = FRAME_VALUE;
      img[(top + k) * S + left - 1] = FRAME_VALUE;
      img[(top + k) * S + left + size] = FRAME_VALUE;
    }
    const draw = (pixels) => {
      const v = 0.7 + 0.3 * rand();
      for (const [r, c] of pixels) img[r * S + c] = v;
    };
    // distractors
    const nd = 3 + Math.floor(rand() * 4);
    for (let d = 0; d < nd; d++) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const kind = Math.floor(rand() * 3);
        const r = Math.floor(rand() * (S - STROKE_BOX + 1));
        const c = Math.floor(rand() * (S - STROKE_BOX + 1));
        const px = strokePixels(kind, r, c);
        if (px.some(([y, x]) => insideBox(y, x, ex.top, ex.left, ex.bottom, ex.right))) continue;
        draw(px);
        break;
      }
    }
    // the decisive stroke
    const label = Math.floor(rand() * 3);
    labels[n] = label;
    // an h-bar may sit on any of the 6 rows (3 start columns), a v-bar in any of the 6 columns
    // (3 start rows), a plus sign at any of 3 x 3 anchors
    const rows = label === 0 ? size : size - STROKE_BOX + 1;
    const cols = label === 1 ? size : size - STROKE_BOX + 1;
    const rr = Math.floor(rand() * rows);
    const cc = Math.floor(rand() * cols);
    draw(strokePixels(label, top + rr, left + cc));
  }
  return { images, labels, shape: [count, S, S, 1] };
}
