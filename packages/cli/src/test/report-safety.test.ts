/**
 * Output safety of `glasswing report` (issue 16): a graph whose every layer name and graph name is
 * hostile (script, quotes, ampersand, bidi overrides and isolates, newlines) and hostile feature
 * names give a page where the tag scanner (markup-safety.ts) finds no script element, no event
 * attribute or attribute breakout, no raw bidi control and nothing loaded from the network.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRAPH, run, tempDir, writeJson } from './helpers.js';
import { HOSTILE, markupProblems } from '@glasswing/viz/testing';

describe('glasswing report with hostile names', () => {
  const dir = tempDir();
  const tab = writeJson(dir, 'tab.json', [
    [0.5, -1, 2, 0.3, 0.1, -0.7],
    [1, 1, 1, 1, 1, 1],
    [-0.2, 0.4, 0.9, -1, 0.5, 0.2],
  ]);

  it('layer, graph and feature names are escaped, bidi controls neutralised, nothing external', async () => {
    const g = JSON.parse(readFileSync(GRAPH, 'utf8')) as { name: string; nodes: { name: string }[] };
    g.name = HOSTILE[7]!;
    g.nodes.forEach((n, i) => (n.name = `${HOSTILE[i % HOSTILE.length]!}#${i}`));
    const model = writeJson(dir, 'hostile-all.json', g);
    // six features; names cannot hold the list's comma
    const features = ['<script>alert(1)</script>', '" onload="alert(1)', "' onmouseover='x", 'a&b', 'evil\u202Egnp.exe', '\u2066iso\u2069\nline2'];
    const out = join(dir, 'hostile-all.html');
    const r = await run(['report', '--model', model, '--input', tab, '--out', out, '--no-progress', '--feature-names', features.join(',')]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(markupProblems(html, { allowMeta: true })).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // URLs only as the SVG / XLink namespaces and as the (escaped, maybe wrapped) text of the hostile graph name
    const urls = new Set([...html.matchAll(/https?:\/\/[^\s"'<&]*/g)].map((m) => m[0]));
    for (const u of urls) if (!u.startsWith('https://evil.example')) expect(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']).toContain(u);
    expect(html).not.toMatch(/(src|href)="https?:/);
    // the names still show, as text
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;#0');
    expect(html).toContain('evil\uFFFDgnp.exe');
    expect(html).toContain('&quot; onload=&quot;alert(1)');
  });
});
