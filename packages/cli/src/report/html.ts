/**
 * The report page shell: one self-contained HTML document. No network: CSS inline, SVG inline,
 * PNG as data: URIs, no scripts, no external fonts; a Content-Security-Policy forbids loading
 * anything else. Every piece of text that reaches the page goes through `escapeHtml`.
 */
import { bytesToBase64, escapeXml } from '@glasswing/viz';

/**
 * Escape text for HTML element content and quoted attribute values: @glasswing/viz's `escapeXml`,
 * the one escaping helper of every picture and page (markup characters as entities, bidi and
 * illegal control characters as U+FFFD).
 */
export function escapeHtml(value: unknown): string {
  return escapeXml(value);
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (png.length < 24 || png[0] !== 0x89 || png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) {
    throw new Error('not a PNG');
  }
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * An <img> for PNG bytes as a data: URI. `width`/`height` are the PNG's own pixel size (also in
 * data-width / data-height, for the end-to-end check that the image decoded at the right size);
 * `data` adds data-* attributes (e.g. where the map lies inside the picture, above its legend).
 */
export function pngImg(png: Uint8Array, alt: string, data: Readonly<Record<string, string | number>> = {}, className = 'pic'): string {
  const { width, height } = pngSize(png);
  const extra = Object.entries(data)
    .map(([k, v]) => ` data-${k.replace(/[^a-z0-9-]/g, '')}="${escapeHtml(v)}"`)
    .join('');
  return (
    `<img class="${escapeHtml(className)}" alt="${escapeHtml(alt)}" width="${width}" height="${height}" ` +
    `data-width="${width}" data-height="${height}"${extra} src="data:image/png;base64,${bytesToBase64(png)}">`
  );
}

/** A figure with a caption (the caption is escaped; `content` is trusted markup). */
export function figure(content: string, caption: string, className = 'fig'): string {
  return `<figure class="${escapeHtml(className)}">${content}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** Trusted markup (built from escaped text and generated SVG / img tags). */
  readonly body: string;
}

export function section(id: string, title: string, body: string): Section {
  return { id, title, body };
}

/** A table from escaped cells; `numeric` columns are right-aligned. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number> = new Set()): string {
  const cls = (i: number) => (numeric.has(i) ? ' class="num"' : '');
  const head = header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A note paragraph (escaped). */
export function note(text: string, className = 'note'): string {
  return `<p class="${escapeHtml(className)}">${escapeHtml(text)}</p>`;
}

const CSS = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  margin: 0; color: #1b1b1f; background: #fafafa; line-height: 1.4; }
header { background: #20232a; color: #f5f5f5; padding: 16px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c9c9d1; font-size: 13px; }
nav { padding: 8px 28px; background: #eceef2; font-size: 13px; border-bottom: 1px solid #d8dbe2; }
nav a { margin-right: 14px; color: #1d4f91; text-decoration: none; }
main { padding: 8px 28px 40px; }
section { margin: 18px 0 28px; }
h2 { font-size: 18px; border-bottom: 1px solid #d8dbe2; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0 12px; background: #fff; }
th, td { border: 1px solid #d8dbe2; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eceef2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.figs { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
figure { margin: 0; background: #fff; border: 1px solid #e1e3e8; padding: 8px; display: table; min-width: 170px; }
figure svg { display: block; max-width: 100%; height: auto; }
figure img { display: inline-block; vertical-align: top; margin: 0 4px 4px 0; }
img.pic { image-rendering: pixelated; }
figcaption { display: table-caption; caption-side: bottom; font-size: 12px; color: #4a4a55; padding: 4px 8px 6px;
  background: #fff; border: 1px solid #e1e3e8; border-top: 0; }
.note { font-size: 13px; color: #4a4a55; }
.warn { font-size: 13px; color: #8a3b00; }
dl.kv { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; font-size: 13px; }
dl.kv dt { font-weight: 600; } dl.kv dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
`;

export interface PageOptions {
  readonly title: string;
  readonly subtitle: string;
  readonly sections: readonly Section[];
}

/** The whole document. */
export function renderPage(options: PageOptions): string {
  const nav = options.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const body = options.sections
    .map((s) => `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="glasswing report">
<title>${escapeHtml(options.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(options.title)}</h1><p>${escapeHtml(options.subtitle)}</p></header>
<nav>${nav}</nav>
<main>
${body}
</main>
</body>
</html>
`;
}
