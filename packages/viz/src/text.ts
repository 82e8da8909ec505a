/**
 * Text attributions: each token highlighted by its attribution (diverging map: blue negative,
 * white zero, red-orange positive), as an HTML fragment and as SVG, both with a legend.
 * Every token, title and label is escaped: markup in a token shows up as text.
 */
import { NumericError, ShapeError, InvalidArgumentError } from '@glasswing/core';
import { colorBarSvg, colorBarSvgLayout } from './colorbar.js';
import { divergingColor } from './colormap.js';
import { ellipsize, svgFont, svgTitle } from './labels.js';
import { escapeXml, formatNumber, px, rgbCss, svgDocument, svgText } from './svg.js';

export interface TokenHighlightOptions {
  /** |attribution| mapped to full colour (default: the largest |attribution|, or 1 if all zero). */
  readonly scale?: number;
  readonly title?: string;
  /** Draw the colour legend (default true). */
  readonly legend?: boolean;
  /** SVG only: wrap lines at this width in pixels (default 640). */
  readonly width?: number;
}

interface Prepared {
  readonly tokens: readonly string[];
  readonly values: readonly number[];
  readonly scale: number;
}

function prepare(tokens: readonly string[], attributions: ArrayLike<number>, options: TokenHighlightOptions): Prepared {
  if (tokens.length !== attributions.length) {
    throw new ShapeError(`got ${tokens.length} tokens but ${attributions.length} attributions`);
  }
  const values = Array.from(attributions);
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new NumericError(`attribution of token ${i} is not finite (${v})`);
  });
  let scale = options.scale;
  if (scale !== undefined && !(scale > 0 && Number.isFinite(scale))) {
    throw new InvalidArgumentError(`scale must be a positive number, got ${scale}`);
  }
  if (scale === undefined) {
    scale = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    if (scale === 0) scale = 1;
  }
  return { tokens: tokens.map(String), values, scale };
}

function tokenColors(v: number, scale: number): { bg: string; fg: string } {
  const t = Math.max(-1, Math.min(1, v / scale));
  return { bg: rgbCss(divergingColor(t)), fg: Math.abs(t) > 0.65 ? '#fff' : '#111' };
}

/** HTML fragment: a `<div class="gw-tokens">` with one `<span>` per token and a legend. */
export function tokenHighlightHtml(
  tokens: readonly string[],
  attributions: ArrayLike<number>,
  options: TokenHighlightOptions = {},
): string {
  const p = prepare(tokens, attributions, options);
  const parts: string[] = ['<div class="gw-tokens" style="font-family:system-ui,sans-serif;line-height:2">'];
  if (options.title) parts.push(`<div class="gw-tokens-title" style="font-weight:600">${escapeXml(options.title)}</div>`);
  parts.push('<p style="margin:0">');
  p.tokens.forEach((tok, i) => {
    const v = p.values[i]!;
    const { bg, fg } = tokenColors(v, p.scale);
    parts.push(
      `<span class="gw-token" data-index="${i}" data-attribution="${escapeXml(formatNumber(v, 4))}" ` +
        `title="${escapeXml(`${tok}: ${formatNumber(v, 4)}`)}" ` +
        `style="background-color:${bg};color:${fg};padding:2px 3px;margin:0 1px;border-radius:3px;white-space:pre">` +
        `${escapeXml(tok)}</span>`,
    );
  });
  parts.push('</p>');
  if (options.legend !== false) {
    parts.push('<div class="gw-legend" style="display:flex;align-items:center;gap:6px;font-size:11px">');
    parts.push(`<span>${escapeXml(formatNumber(-p.scale))}</span>`);
    for (let k = -8; k <= 8; k++) {
      parts.push(`<span style="display:inline-block;width:8px;height:10px;background-color:${rgbCss(divergingColor(k / 8))}"></span>`);
    }
    parts.push(`<span>${escapeXml(formatNumber(p.scale))}</span>`);
    parts.push('<span style="color:#555">negative (blue) · zero (white) · positive (red-orange)</span></div>');
  }
  parts.push('</div>');
  return parts.join('');
}

/** SVG document: tokens as coloured boxes wrapped into lines, with a colour bar below. */
export function tokenHighlightSvg(
  tokens: readonly string[],
  attributions: ArrayLike<number>,
  options: TokenHighlightOptions = {},
): string {
  const p = prepare(tokens, attributions, options);
  const width = options.width ?? 640;
  if (!(width >= 100)) throw new InvalidArgumentError(`width must be at least 100, got ${width}`);
  const pad = 10;
  const lineH = 24;
  const title = svgTitle(options.title, width, { align: 'start', margin: pad });
  const top = options.title ? title.bottom + 6 : pad;
  const parts: string[] = [title.svg];
  const tokenFont = svgFont(13);
  let x = pad;
  let y = top;
  p.tokens.forEach((tok, i) => {
    // a token wider than a whole line is cut (its full text stays in the tooltip)
    const w = Math.min(width - 2 * pad, tokenFont.measure(tok) + 8);
    const shown = ellipsize(tok, w - 8, tokenFont);
    if (x + w > width - pad && x > pad) {
      x = pad;
      y += lineH;
    }
    const v = p.values[i]!;
    const { bg, fg } = tokenColors(v, p.scale);
    parts.push(
      `<g class="token" data-index="${i}" data-attribution="${escapeXml(formatNumber(v, 4))}">` +
        `<title>${escapeXml(`${tok}: ${formatNumber(v, 4)}`)}</title>` +
        `<rect x="${px(x)}" y="${px(y)}" width="${px(w)}" height="20" rx="3" fill="${bg}"/>` +
        svgText(x + 4, y + 14, shown, { size: 13, fill: fg, extra: ' xml:space="preserve"' }) +
        '</g>',
    );
    x += w + 3;
  });
  y += lineH + 6;
  if (options.legend !== false) {
    const spec = { colormap: 'diverging' as const, min: -p.scale, max: p.scale, label: 'attribution' };
    const barW = Math.min(240, width - 2 * pad);
    parts.push(colorBarSvg(spec, pad, y, barW));
    y += colorBarSvgLayout(spec, pad, y, barW).bounds.height + 4;
  }
  return svgDocument(width, y + pad, options.title ?? 'Token attributions', parts.join(''));
}
