/**
 * The whole session as one self-contained HTML file: the prediction, every result card (canvases
 * become PNG data URIs, SVG stays inline) and the model summary, with the page's own styles.
 * Nothing in it loads anything: open it anywhere, offline.
 */
import css from '../style.css?inline';

function snapshot(el: HTMLElement): string {
  const copy = el.cloneNode(true) as HTMLElement;
  const originals = el.querySelectorAll('canvas');
  copy.querySelectorAll('canvas').forEach((c, i) => {
    const img = document.createElement('img');
    img.src = originals[i]!.toDataURL('image/png');
    img.alt = c.getAttribute('aria-label') ?? '';
    img.className = c.className;
    c.replaceWith(img);
  });
  copy.querySelectorAll('.downloads, button, script').forEach((b) => b.remove());
  copy.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''));
  copy.querySelectorAll('[data-result]').forEach((d) => d.removeAttribute('data-result'));
  return copy.outerHTML;
}

export function sessionHtml(parts: { readonly title: string; readonly sections: readonly HTMLElement[] }): string {
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(parts.title)}</title><style>${css}
.report { max-width: 1200px; margin: 0 auto; padding: 20px 28px; display: flex; flex-direction: column; gap: 16px; }</style></head>
<body><header class="topbar"><div class="brand"><span class="logo" aria-hidden="true"></span><h1>${escape(parts.title)}</h1></div>
<p class="tagline">Glasswing Explorer session, saved ${escape(new Date().toISOString())}</p></header>
<main class="report">${parts.sections.map(snapshot).join('\n')}</main></body></html>
`;
}
