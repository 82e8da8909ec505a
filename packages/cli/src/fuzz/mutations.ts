/**
 * The mutations of loader fuzzing (loaders.ts): byte-level (truncations, bit flips, splices) and
 * JSON-level (wrong types, hostile numbers, deleted and duplicated fields), all from a seeded Rng.
 */
import type { Rng } from '@glasswing/core';

export const enc = new TextEncoder();
export const dec = new TextDecoder();

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;

const HOSTILE_NUMBERS = [-1, -(2 ** 31), 0, 1e9, 2 ** 31, 2 ** 32 + 1, 2 ** 53, 1e12, 1e300, -1e300, 0.5, -0.0];
const hostileValue = (rng: Rng): unknown =>
  pick(rng, [
    () => null,
    () => true,
    () => 'x',
    () => '../../etc/passwd',
    () => ({}),
    () => [],
    () => [pick(rng, HOSTILE_NUMBERS), pick(rng, HOSTILE_NUMBERS)],
    () => pick(rng, HOSTILE_NUMBERS),
    () => 'NaN',
    () => ({ __proto__: { x: 1 }, constructor: 1 }),
  ])();

/** Byte-level mutations: truncation, bit flips, overwrites, insertions, deletions, duplication. */
export function mutateBytes(rng: Rng, src: Uint8Array): { bytes: Uint8Array; what: string } {
  const n = src.byteLength;
  const kind = rng.int(8);
  const b = src.slice();
  switch (kind) {
    case 0: {
      const len = rng.int(n + 1);
      return { bytes: src.slice(0, len), what: `truncate to ${len}` };
    }
    case 1: {
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips && n > 0; i++) b[rng.int(n)]! ^= 1 << rng.int(8);
      return { bytes: b, what: `${flips} bit flips` };
    }
    case 2: {
      const count = 1 + rng.int(4);
      for (let i = 0; i < count && n > 0; i++) b[rng.int(n)] = pick(rng, [0, 0xff, 0x7f, 0x80, rng.int(256)]);
      return { bytes: b, what: `${count} byte overwrites` };
    }
    case 3: {
      const at = rng.int(n + 1);
      const ins = Uint8Array.from({ length: 1 + rng.int(16) }, () => pick(rng, [0xff, 0x80, 0x7f, 0, rng.int(256)]));
      return { bytes: concat(src.subarray(0, at), ins, src.subarray(at)), what: `insert ${ins.length} bytes at ${at}` };
    }
    case 4: {
      const at = rng.int(n + 1);
      const len = rng.int(Math.min(64, n - at) + 1);
      return { bytes: concat(src.subarray(0, at), src.subarray(at + len)), what: `delete ${len} bytes at ${at}` };
    }
    case 5: {
      const at = rng.int(n + 1);
      const len = rng.int(Math.min(64, n - at) + 1);
      return { bytes: concat(src.subarray(0, at + len), src.subarray(at, at + len), src.subarray(at + len)), what: `duplicate ${len} bytes at ${at}` };
    }
    case 6:
      return { bytes: new Uint8Array(0), what: 'empty file' };
    default: {
      // A varint-looking run (protobuf lengths): 0xff… continuation bytes.
      const at = rng.int(n + 1);
      for (let i = at; i < Math.min(n, at + 5); i++) b[i] = 0xff;
      return { bytes: b, what: `0xff run at ${at}` };
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

type Path = (string | number)[];
function allPaths(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...path, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) allPaths(x, [...path, k], out);
  return out;
}
function getAt(v: unknown, p: Path): unknown {
  return p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], v);
}
function setAt(root: unknown, p: Path, value: unknown): unknown {
  if (p.length === 0) return value;
  const parent = getAt(root, p.slice(0, -1)) as Record<string | number, unknown>;
  parent[p[p.length - 1]!] = value;
  return root;
}

/** Structure-aware JSON mutations: wrong types, hostile numbers, deleted keys, deep nesting… */
export function mutateJson(rng: Rng, text: string): { text: string; what: string } {
  let v = JSON.parse(text) as unknown;
  const paths = allPaths(v);
  const p = pick(rng, paths);
  const where = p.join('.') || 'root';
  const kind = rng.int(7);
  switch (kind) {
    case 0:
      v = setAt(v, p, hostileValue(rng));
      return { text: JSON.stringify(v), what: `replace ${where}` };
    case 1: {
      if (p.length === 0) break;
      const parent = getAt(v, p.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete (parent as Record<string, unknown>)[p[p.length - 1] as string];
      return { text: JSON.stringify(v), what: `delete ${where}` };
    }
    case 2: {
      const cur = getAt(v, p);
      if (Array.isArray(cur) && cur.length > 0) cur.push(cur[rng.int(cur.length)]);
      else v = setAt(v, p, [cur, cur]);
      return { text: JSON.stringify(v), what: `duplicate in ${where}` };
    }
    case 3: {
      const other = pick(rng, paths);
      const src = getAt(v, other);
      v = setAt(v, p, src === undefined ? null : JSON.parse(JSON.stringify(src)));
      return { text: JSON.stringify(v), what: `copy ${other.join('.') || 'root'} to ${where}` };
    }
    case 4: {
      const depth = pick(rng, [100, 5000, 20000]);
      const nested = '['.repeat(depth) + '1' + ']'.repeat(depth);
      const marker = '"__NEST__"';
      v = setAt(v, p, '__NEST__');
      return { text: JSON.stringify(v).replace(marker, nested), what: `nest ${depth} deep at ${where}` };
    }
    case 5: {
      const cur = getAt(v, p);
      if (typeof cur === 'number') v = setAt(v, p, pick(rng, HOSTILE_NUMBERS));
      else if (Array.isArray(cur)) v = setAt(v, p, cur.map((x) => (typeof x === 'number' ? pick(rng, HOSTILE_NUMBERS) : x)));
      else v = setAt(v, p, pick(rng, HOSTILE_NUMBERS));
      return { text: JSON.stringify(v), what: `hostile numbers at ${where}` };
    }
    default:
      break;
  }
  const m = mutateBytes(rng, enc.encode(text));
  return { text: dec.decode(m.bytes), what: `bytes: ${m.what}` };
}

