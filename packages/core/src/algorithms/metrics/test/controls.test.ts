import { describe, expect, it } from 'vitest';
import { edgeMaps, randomExplainer, imageDims } from '../../_utils/control-explainers.js';
import { fromFunction } from '../../../function-model.js';
import { InvalidArgumentError } from '../../../errors.js';

describe('control explainers', () => {
  it('edge maps: zero on a flat image, the Sobel magnitude at a vertical step', () => {
    // 1×4×4×1 image: columns 0-1 are 0, columns 2-3 are 1. At an interior pixel next to the step
    // (row 1, col 1): gx = (1 + 2 + 1) − 0 = 4, gy = 0 → 4. At (1, 0): clamped left neighbour is 0, right is 0 → 0.
    const img = Float32Array.from({ length: 16 }, (_, i) => (i % 4 >= 2 ? 1 : 0));
    const m = edgeMaps({ shape: [1, 4, 4, 1], data: img }, [4, 4, 1]);
    expect(m.data[1 * 4 + 1]).toBe(4);
    expect(m.data[1 * 4 + 2]).toBe(4);
    expect(m.data[1 * 4 + 0]).toBe(0);
    expect(edgeMaps({ shape: [1, 4, 4, 1], data: new Float32Array(16).fill(0.5) }, [4, 4, 1]).data.every((v) => v === 0)).toBe(true);
    // NCHW with 2 channels: the magnitude sums over channels and is written to both.
    const two = new Float32Array(32);
    two.set(img, 0);
    two.set(img, 16);
    const n = edgeMaps({ shape: [1, 2, 4, 4], data: two }, [2, 4, 4], 'NCHW');
    expect(n.data[5]).toBe(8);
    expect(n.data[16 + 5]).toBe(8);
  });

  it('random maps are seeded; non-images are refused by imageDims', async () => {
    const model = fromFunction(async (x) => x, { inputShape: [3], outputShape: [3] });
    const x = { shape: [2, 3], data: new Float32Array(6) };
    const a = await randomExplainer(7)(model, x, {});
    const b = await randomExplainer(7)(model, x, {});
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from((await randomExplainer(8)(model, x, {})).data)).not.toEqual(Array.from(a.data));
    expect(() => imageDims([3])).toThrow(InvalidArgumentError);
    expect(imageDims([3, 28, 28])).toEqual({ h: 28, w: 28, c: 3, layout: 'NCHW' });
  });
});
