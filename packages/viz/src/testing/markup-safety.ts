/**
 * `@glasswing/viz/testing` (for tests of anything that writes SVG / HTML): what in a markup string could run script, break out of an attribute, load from
 * the network or reorder text (the checks of issue 16's output safety). A naive but strict tag
 * scanner: every `<…>` must parse as a tag whose attributes are all quoted; none may be `on*`, a
 * script / iframe / object / embed / foreignObject element, or a src / href / url() that leaves
 * the document (only `#fragment` and `data:image/png` are allowed, plus documented `links`).
 */

/** Bidi formatting controls (embeddings, overrides, isolates, marks). */
export const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** Hostile model-supplied strings: script, both quotes, an ampersand, bidi overrides, a newline. */
export const HOSTILE = [
  '<script>alert(1)</script>',
  '" onload="alert(1)',
  "' onmouseover='alert(2)",
  'a&b &amp; <b>x</b>',
  'evil\u202Egnp.exe',
  '\u2066isolate\u2069 and \u200Fmark',
  'line1\nline2\r\n"line3"',
  '</title><script src="https://evil.example/x.js"></script>',
  '<img src=x onerror=alert(3)>',
];

const TAG = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/y;
const ATTR = /\s+([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?/g;
const BAD_ELEMENTS = new Set(['script', 'iframe', 'object', 'embed', 'foreignobject', 'link', 'meta', 'base', 'form']);

export function markupProblems(doc: string, options: { allowedLinks?: readonly string[]; allowMeta?: boolean } = {}): string[] {
  const problems: string[] = [];
  const allowed = new Set(options.allowedLinks ?? []);
  const linkOk = (v: string) => v.startsWith('#') || v.startsWith('data:image/png;base64,') || allowed.has(v);
  if (BIDI.test(doc)) problems.push(`raw bidi control U+${doc.codePointAt(doc.search(BIDI))!.toString(16).toUpperCase()}`);
  for (const m of doc.matchAll(/url\(\s*['"]?([^'")]*)/gi)) if (!linkOk(m[1]!)) problems.push(`CSS url(${m[1]})`);
  let i = 0;
  while ((i = doc.indexOf('<', i)) >= 0) {
    if (doc.startsWith('<!--', i)) {
      i = doc.indexOf('-->', i) + 3;
      continue;
    }
    if (doc.startsWith('<!DOCTYPE', i) || doc.startsWith('<!doctype', i) || doc.startsWith('<?xml', i)) {
      i = doc.indexOf('>', i) + 1;
      continue;
    }
    if (doc.startsWith('<style', i)) {
      // CSS text is ours (no model strings): skip to its end after checking the tag.
      const end = doc.indexOf('</style>', i);
      i = end < 0 ? doc.length : end + 8;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(doc);
    if (!m) {
      problems.push(`unparsable markup at ${i}: ${JSON.stringify(doc.slice(i, i + 60))}`);
      i++;
      continue;
    }
    const name = m[2]!.toLowerCase();
    if (BAD_ELEMENTS.has(name) && !(options.allowMeta && name === 'meta')) problems.push(`<${name}> element`);
    for (const a of m[3]!.matchAll(ATTR)) {
      const attr = a[1]!.toLowerCase();
      const value = a[2] ?? a[3] ?? '';
      if (attr.startsWith('on')) problems.push(`event attribute ${attr}="${value}"`);
      if ((attr === 'src' || attr === 'href' || attr === 'xlink:href' || attr === 'action') && !linkOk(value)) problems.push(`${attr}="${value.slice(0, 60)}"`);
    }
    i = TAG.lastIndex;
  }
  return problems;
}
