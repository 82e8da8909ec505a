/**
 * A small PNG decoder for the end-to-end test's screenshots (8-bit RGB / RGBA / gray, not
 * interlaced, as Chromium writes them): enough to measure whether a picture is blank.
 */
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 8 bits per channel. */
  readonly rgba: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(bytes: Uint8Array): DecodedPng {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (pos < bytes.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const depth = data[8]!;
      colorType = data[9]!;
      if (depth !== 8 || data[12] !== 0) throw new Error(`unsupported PNG (bit depth ${depth}, interlace ${data[12]})`);
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 0 ? 1 : colorType === 4 ? 2 : 0;
  if (channels === 0) throw new Error(`unsupported PNG colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : undefined;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0;
      const b = prev ? prev[i]! : 0;
      const c = prev && i >= channels ? prev[i - channels]! : 0;
      const x = src[i]!;
      out[i] = (filter === 0 ? x : filter === 1 ? x + a : filter === 2 ? x + b : filter === 3 ? x + ((a + b) >> 1) : x + paeth(a, b, c)) & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    if (channels >= 3) {
      rgba[p * 4] = pixels[s]!;
      rgba[p * 4 + 1] = pixels[s + 1]!;
      rgba[p * 4 + 2] = pixels[s + 2]!;
      rgba[p * 4 + 3] = channels === 4 ? pixels[s + 3]! : 255;
    } else {
      rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = pixels[s]!;
      rgba[p * 4 + 3] = channels === 2 ? pixels[s + 1]! : 255;
    }
  }
  return { width, height, rgba };
}

/** Standard deviation of the luminance (0-255) and the number of distinct colours. */
export function pixelStats(png: DecodedPng): { std: number; colours: number } {
  const n = png.width * png.height;
  let sum = 0;
  let sq = 0;
  const colours = new Set<number>();
  for (let p = 0; p < n; p++) {
    const r = png.rgba[p * 4]!;
    const g = png.rgba[p * 4 + 1]!;
    const b = png.rgba[p * 4 + 2]!;
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += l;
    sq += l * l;
    if (colours.size < 4096) colours.add((r << 16) | (g << 8) | b);
  }
  const mean = sum / Math.max(1, n);
  return { std: Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean)), colours: colours.size };
}

/** A rectangle of a decoded picture. */
export function crop(png: DecodedPng, x: number, y: number, width: number, height: number): DecodedPng {
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > png.width || y + height > png.height) {
    throw new Error(`crop ${width}x${height}+${x}+${y} is outside the ${png.width}x${png.height} picture`);
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let r = 0; r < height; r++) {
    rgba.set(png.rgba.subarray(((y + r) * png.width + x) * 4, ((y + r) * png.width + x + width) * 4), r * width * 4);
  }
  return { width, height, rgba };
}
