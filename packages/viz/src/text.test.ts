import { NumericError, ShapeError } from '@glasswing/core';
import { describe, expect, it } from 'vitest';
import { divergingColor } from './colormap.js';
import { tokenHighlightHtml, tokenHighlightSvg } from './text.js';

const evil = ['<script>alert("x")</script>', "it's", '&amp;', 'ok'];

describe('token highlighting', () => {
  it('escapes tokens, quotes and titles in HTML', () => {
    const html = tokenHighlightHtml(evil, [1, -0.5, 0, 0.25], { title: '<b>"title"</b>' });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('it&#39;s');
    expect(html).toContain('&amp;amp;');
    // attribute values cannot be broken out of: no raw quote from a token survives in a title="..."
    for (const m of html.matchAll(/title="([^"]*)"/g)) expect(m[1]).not.toMatch(/[<>]/);
    expect(html.match(/class="gw-token"/g)).toHaveLength(4);
  });

  it('escapes tokens in SVG and keeps the document well-formed', () => {
    const svg = tokenHighlightSvg(evil, [1, -0.5, 0, 0.25], { title: '<script>' });
    expect(svg).not.toMatch(/<script/);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg.match(/class="token"/g)).toHaveLength(4);
    expect(svg).toContain('class="colorbar"');
    expect(svg).not.toContain('NaN');
    // crude well-formedness: every <g opened is closed
    expect(svg.match(/<g[ >]/g)!.length).toBe(svg.match(/<\/g>/g)!.length);
  });

  it('colours by sign: positive red-orange, negative blue, zero white; has a legend', () => {
    const html = tokenHighlightHtml(['a', 'b', 'c'], [2, -2, 0]);
    const bg = [...html.matchAll(/background-color:(rgb\([^)]*\))/g)].map((m) => m[1]);
    const css = (c: readonly number[]) => `rgb(${c.join(',')})`;
    expect(bg.slice(0, 3)).toEqual([css(divergingColor(1)), css(divergingColor(-1)), css(divergingColor(0))]);
    expect(html).toContain('class="gw-legend"');
    expect(tokenHighlightHtml(['a'], [1], { legend: false })).not.toContain('gw-legend');
  });

  it('handles all-zero attributions and rejects mismatches / non-finite values', () => {
    expect(tokenHighlightHtml(['a', 'b'], [0, 0])).not.toContain('NaN');
    expect(tokenHighlightSvg(['a', 'b'], [0, 0])).not.toContain('NaN');
    expect(() => tokenHighlightHtml(['a'], [1, 2])).toThrow(ShapeError);
    expect(() => tokenHighlightSvg(['a'], [Number.NaN])).toThrow(NumericError);
  });
});
