#!/usr/bin/env node
// Lists import cycles (static `import` / `export … from`, type-only included) among the TypeScript
// files under the given source folders. Exit 1 when there is one. Usage: import-cycles.mjs DIR...
import fs from 'node:fs';
import path from 'node:path';

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: import-cycles.mjs DIR...');
  process.exit(2);
}
const files = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) files.push(path.resolve(p));
  }
};
dirs.forEach(walk);
const edges = new Map();
const spec = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;
for (const f of files) {
  const src = fs.readFileSync(f, 'utf8');
  const out = new Set();
  for (const m of src.matchAll(spec)) {
    const t = path.resolve(path.dirname(f), m[1]).replace(/\.js$/, '.ts');
    if (fs.existsSync(t)) out.add(t);
  }
  edges.set(f, out);
}
// Tarjan's strongly connected components.
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set(), sccs = [];
const strong = (v) => {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do { w = stack.pop(); on.delete(w); c.push(w); } while (w !== v);
    if (c.length > 1 || edges.get(v)?.has(v)) sccs.push(c);
  }
};
for (const f of files) if (!idx.has(f)) strong(f);
const rel = (f) => path.relative(process.cwd(), f);
for (const c of sccs) console.log(`cycle (${c.length} files): ${c.map(rel).sort().join(' ↔ ')}`);
console.log(`${files.length} files, ${sccs.length} import cycle(s)`);
process.exit(sccs.length ? 1 : 0);
