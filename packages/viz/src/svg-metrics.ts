/**
 * Advance widths for laying out SVG text before a browser draws it. The pictures ask for
 * `system-ui, -apple-system, 'Segoe UI', sans-serif`; the table holds DejaVu Sans (Book and Bold),
 * the widest of the usual system fonts (Linux's default sans-serif), so a label measured here
 * is not narrower than any of them draws it. Widths are in 1/1000 em, rounded up, for
 * ASCII 32-126 followed by `×·→←…–—−±°µ≤≥∞•`.
 */

const CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~×·→←…–—−±°µ≤≥∞•';

// prettier-ignore
const BOOK: readonly number[] = [
  318, 401, 460, 838, 637, 951, 780, 275, 391, 391, 500, 838, 318, 361, 318, 337,
  637, 637, 637, 637, 637, 637, 637, 637, 637, 637, 337, 337, 838, 838, 838, 531,
  1000, 685, 687, 699, 771, 632, 576, 775, 752, 295, 295, 656, 558, 863, 749, 788,
  604, 788, 695, 635, 611, 732, 685, 989, 686, 611, 686, 391, 337, 391, 838, 500,
  500, 613, 635, 550, 635, 616, 353, 635, 634, 278, 278, 580, 278, 975, 634, 612,
  635, 635, 412, 521, 393, 634, 592, 818, 592, 592, 525, 637, 337, 637, 838, 838,
  318, 838, 838, 1000, 500, 1000, 838, 838, 500, 637, 838, 838, 834, 590,
];

// prettier-ignore
const BOLD: readonly number[] = [
  349, 457, 521, 838, 696, 1002, 873, 307, 458, 458, 523, 838, 380, 416, 380, 366,
  696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 581,
  1000, 774, 763, 734, 831, 684, 684, 821, 837, 373, 373, 775, 638, 996, 837, 851,
  733, 851, 771, 721, 683, 813, 774, 1104, 771, 725, 726, 458, 366, 458, 838, 500,
  500, 675, 716, 593, 716, 679, 436, 716, 712, 343, 343, 666, 343, 1042, 712, 688,
  716, 716, 494, 596, 479, 712, 652, 924, 646, 652, 583, 712, 366, 712, 838, 838,
  380, 838, 838, 1000, 500, 1000, 838, 838, 500, 736, 838, 838, 834, 640,
];

const INDEX = new Map([...CHARS].map((c, i) => [c, i] as const));

/** Width of a character the table lacks: CJK and other wide scripts 1 em, anything else 0.75 em. */
function fallback(ch: string): number {
  const cp = ch.codePointAt(0)!;
  return cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || cp >= 0x1f300)
    ? 1000
    : 750;
}

/** Rendered width in pixels of `text` in a `size`-px sans-serif font (an upper bound, see above). */
export function svgTextWidth(text: string, size = 12, bold = false): number {
  const table = bold ? BOLD : BOOK;
  let w = 0;
  for (const ch of text) {
    const i = INDEX.get(ch);
    w += i === undefined ? fallback(ch) : table[i]!;
  }
  return (w * size) / 1000;
}

/** Line box of the font: ascent and descent in em (DejaVu Sans: 0.928 and 0.236). */
export const SVG_ASCENT = 0.93;
export const SVG_DESCENT = 0.24;

