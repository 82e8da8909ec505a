/** Base64 <-> float32 little-endian, with no dependency on Buffer or atob (runs in browsers and Node). */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    out += ALPHABET[b0 >> 2]! + ALPHABET[((b0 & 3) << 4) | (b1 >> 4)]!;
    out += i + 1 < bytes.length ? ALPHABET[((b1 & 15) << 2) | (b2 >> 6)]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[b2 & 63]! : '=';
  }
  return out;
}

/** Decode base64 to float32 LE; throws an Error describing the problem on malformed input. */
export function base64ToFloat32(text: string): Float32Array {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0) throw new Error('is not valid base64 (length is not a multiple of 4)');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const nBytes = (clean.length / 4) * 3 - pad;
  if (nBytes % 4 !== 0) throw new Error(`decodes to ${nBytes} bytes, not a whole number of float32 values`);
  const bytes = new Uint8Array(nBytes);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const q: number[] = [];
    for (let j = 0; j < 4; j++) {
      const ch = clean.charCodeAt(i + j);
      const isPad = clean[i + j] === '=' && i + 4 === clean.length && j >= 4 - pad;
      const v = isPad ? 0 : ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new Error(`is not valid base64 (bad character at ${i + j})`);
      q.push(v);
    }
    const triple = (q[0]! << 18) | (q[1]! << 12) | (q[2]! << 6) | q[3]!;
    if (o < nBytes) bytes[o++] = (triple >> 16) & 255;
    if (o < nBytes) bytes[o++] = (triple >> 8) & 255;
    if (o < nBytes) bytes[o++] = triple & 255;
  }
  const view = new DataView(bytes.buffer);
  const out = new Float32Array(nBytes / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
