/** Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian). */
export function pngSizeOf(png: Uint8Array): { width: number; height: number } {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: v.getUint32(16), height: v.getUint32(20) };
}
