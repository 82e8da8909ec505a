/**
 * Small helpers shared by the SVG and HTML pictures: escaping, number formatting, base64 and
 * the SVG document wrapper. Everything user-supplied (names, tokens, titles) must go through
 * `escapeXml` before it is placed in markup; the helpers here never emit raw input.
 */

import { svgTextWidth } from './svg-metrics.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Bidi formatting controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069)
 * and the marks U+200E, U+200F, U+061C. A model-supplied name holding one can make a label read
 * differently from what it is ("evil\u202Egnp.exe" shows as "evilexe.png"), so pictures show
 * U+FFFD in its place; right-to-left letters themselves are kept.
 */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * Escape text for XML/HTML element content and (double- or single-quoted) attribute values: the
 * five markup characters become entities; bidi controls and the control characters XML 1.0 does
 * not allow (all but tab, newline, carriage return) become U+FFFD. The one escaping helper of every
 * SVG and HTML output (the CLI report's `escapeHtml` is this function).
 */
export function escapeXml(text: unknown): string {
  return String(text)
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD')
    .replace(BIDI_CONTROLS, '\uFFFD');
}

/** Compact number for labels: up to `digits` significant digits, no trailing zeros, '–' if non-finite. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    return `${trimZeros(m!)}e${e!.replace('+', '')}`;
  }
  const p = v.toPrecision(digits);
  return p.includes('e') ? String(Number(p)) : trimZeros(p);
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Rounded coordinate for SVG output (never NaN: non-finite values become 0). */
export function px(v: number): string {
  if (!Number.isFinite(v)) return '0';
  return String(Math.round(v * 100) / 100);
}

/** `rgb(r,g,b)` from an 8-bit triple. */
export function rgbCss(c: readonly number[]): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648) of bytes, without Node's Buffer so it runs in browsers too. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${B64[n >> 18]!}${B64[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${B64[n >> 18]!}${B64[(n >> 12) & 63]!}${B64[(n >> 6) & 63]!}=`;
  }
  return out;
}

/** `data:image/png;base64,...` URI for embedding PNG bytes in SVG or HTML. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${bytesToBase64(png)}`;
}

/** Wrap SVG body markup in a standalone document with a <title> (for accessibility). */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const w = Math.max(1, Math.ceil(width));
  const h = Math.max(1, Math.ceil(height));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ` +
    `font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img">` +
    `<title>${escapeXml(title)}</title><rect width="${w}" height="${h}" fill="#fff"/>${body}</svg>`
  );
}

/** `<text>` element with escaped content. */
export function svgText(
  x: number,
  y: number,
  text: string,
  attrs: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: string; fill?: string; extra?: string } = {},
): string {
  const a = attrs.anchor && attrs.anchor !== 'start' ? ` text-anchor="${attrs.anchor}"` : '';
  const s = attrs.size ? ` font-size="${attrs.size}"` : '';
  const wgt = attrs.weight ? ` font-weight="${attrs.weight}"` : '';
  const f = attrs.fill ? ` fill="${attrs.fill}"` : '';
  return `<text x="${px(x)}" y="${px(y)}"${a}${s}${wgt}${f}${attrs.extra ?? ''}>${escapeXml(text)}</text>`;
}

/** Rendered width of a label in a `size`-px sans-serif font (an upper bound, see svg-metrics.ts). */
export function textWidth(text: string, size = 12, bold = false): number {
  return svgTextWidth(text, size, bold);
}

/** "Nice" tick values covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  }
  return ticks;
}
