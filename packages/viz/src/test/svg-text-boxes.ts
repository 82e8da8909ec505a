/**
 * Test helper (not part of the API): the box every <text> of an SVG document covers, from its
 * x, y, text-anchor, font-size and font-weight with the same advance widths the layout uses
 * (svg-metrics.ts), and what is wrong with them: text leaving the picture, texts overlapping.
 * Rotated texts (a transform attribute) are skipped.
 */
import { SVG_ASCENT, SVG_DESCENT, svgTextWidth } from '../svg-metrics.js';

export interface TextBox {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

/** Boxes of the document's unrotated <text> elements (root font size 12). */
export function svgTextBoxes(svg: string): TextBox[] {
  const out: TextBox[] = [];
  for (const m of svg.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)) {
    const tag = m[1]!;
    if (attr(tag, 'transform') !== undefined) continue;
    const text = unescape(m[2]!);
    const size = Number(attr(tag, 'font-size') ?? 12);
    const bold = (attr(tag, 'font-weight') ?? '400') >= '600';
    const w = svgTextWidth(text, size, bold);
    const x = Number(attr(tag, 'x') ?? 0);
    const anchor = attr(tag, 'text-anchor') ?? 'start';
    const left = anchor === 'middle' ? x - w / 2 : anchor === 'end' ? x - w : x;
    const base = Number(attr(tag, 'y') ?? 0);
    out.push({ text, x: left, y: base - size * SVG_ASCENT, width: w, height: size * (SVG_ASCENT + SVG_DESCENT) });
  }
  return out;
}

/** Text outside the document's width/height, and pairs of texts that overlap (by more than `slack` px). */
export function svgTextProblems(svg: string, slack = 0.5): string[] {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) return ['no svg width/height'];
  const [W, H] = [Number(m[1]), Number(m[2])];
  const boxes = svgTextBoxes(svg);
  const out: string[] = [];
  boxes.forEach((b, i) => {
    if (b.x < -slack || b.y < -slack || b.x + b.width > W + slack || b.y + b.height > H + slack) {
      out.push(`'${b.text}' (${b.x.toFixed(1)},${b.y.toFixed(1)} ${b.width.toFixed(1)}x${b.height.toFixed(1)}) leaves the ${W}x${H} picture`);
    }
    for (const c of boxes.slice(i + 1)) {
      const ox = Math.min(b.x + b.width, c.x + c.width) - Math.max(b.x, c.x);
      // line boxes include the descent: count vertical overlap only beyond it
      const oy = Math.min(b.y + b.height, c.y + c.height) - Math.max(b.y, c.y);
      if (ox > slack && oy > Math.min(b.height, c.height) * 0.25) out.push(`'${b.text}' overlaps '${c.text}'`);
    }
  });
  return out;
}
