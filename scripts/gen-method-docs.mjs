#!/usr/bin/env node
// Rewrites the generated method lists of the docs from core's METHODS registry, so that no list of
// method ids is kept by hand:
//   README.md              <!-- method-ids:start --> … <!-- method-ids:end -->  ids per family
//   packages/cli/README.md <!-- methods:start --> … <!-- methods:end -->        id, title, needs, flags, defaults
// Usage (from the repository root, on the built core):
//   pnpm --filter @glasswing/core build && node scripts/gen-method-docs.mjs          # rewrite
//   node scripts/gen-method-docs.mjs --check                                         # exit 1 if out of date
// packages/core/src/algorithms/test/method-docs.test.ts runs the same rendering on core's sources
// and fails when a committed doc is out of date.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The CLI flag of a MethodOptions key (`featureMask` → `--feature-mask`; `baselines` → `--baseline`). */
export function flagOf(option) {
  if (option === 'baselines') return '--baseline';
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const cell = (s) => String(s).replace(/\|/g, '\\|');

/** What a method needs from the model, in words. */
export function needsOf(spec) {
  const caps = Object.keys(spec.requires).filter((k) => spec.requires[k]);
  return caps.length === 0 ? 'forward only' : caps.join(' + ');
}

/** One option of a method as documented: `--steps` with its default (`--steps=50`); layer and neuron are required. */
function optionText(spec, option) {
  const flag = flagOf(option);
  if (Object.prototype.hasOwnProperty.call(spec.defaults, option)) {
    const d = String(spec.defaults[option]);
    // a plain value reads as a flag value; a described default (e.g. '2F + 2048') goes in words
    return /^[\w.+-]+$/.test(d) ? `\`${flag}=${d}\`` : `\`${flag}\` (default ${d})`;
  }
  if (option === 'layer' || option === 'neuron') return `\`${flag}\` (required)`;
  return `\`${flag}\``;
}

/** The generated blocks: marker name → markdown (without the marker lines). */
export function renderMethodBlocks(methods, families) {
  const table = ['| family | id | method | needs | options (default) |', '|---|---|---|---|---|'];
  const ids = [];
  for (const { family, ids: familyIds } of families) {
    if (familyIds.length === 0) continue;
    ids.push(`- **${family}**: ${familyIds.map((id) => `\`${id}\``).join(', ')}`);
    for (const id of familyIds) {
      const spec = methods[id];
      const options = spec.options.map((o) => optionText(spec, o)).join(', ');
      table.push(`| ${family} | \`${id}\` | ${cell(spec.title)} | ${needsOf(spec)} | ${cell(options)} |`);
    }
  }
  const total = Object.keys(methods).length;
  return {
    methods: [`${total} methods (generated from core's \`METHODS\` by \`scripts/gen-method-docs.mjs\`):`, '', ...table].join('\n'),
    'method-ids': [`${total} attribution methods, by family (generated from core's \`METHODS\`; [details](packages/cli/README.md#methods)):`, '', ...ids].join('\n'),
  };
}

/** The docs carrying generated blocks, relative to the repository root, and the blocks each carries. */
export const GENERATED_DOCS = {
  'README.md': ['method-ids'],
  'packages/cli/README.md': ['methods'],
};

/** `text` with each `<!-- name:start -->` … `<!-- name:end -->` block replaced by `blocks[name]`. */
export function replaceBlocks(text, names, blocks, file = 'doc') {
  let out = text;
  for (const name of names) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const a = out.indexOf(start);
    const b = out.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${file}: no ${start} … ${end} block`);
    if (out.indexOf(start, a + 1) >= 0) throw new Error(`${file}: two ${start} markers`);
    out = `${out.slice(0, a + start.length)}\n${blocks[name]}\n${out.slice(b)}`;
  }
  return out;
}

/** Every generated doc: its path, committed text and up-to-date text. */
export function generatedDocs(methods, families, dir = root) {
  const blocks = renderMethodBlocks(methods, families);
  return Object.entries(GENERATED_DOCS).map(([rel, names]) => {
    const file = path.join(dir, rel);
    const current = fs.readFileSync(file, 'utf8');
    return { rel, file, current, wanted: replaceBlocks(current, names, blocks, rel) };
  });
}

async function main() {
  const check = process.argv.includes('--check');
  const dist = path.join(root, 'packages/core/dist/index.js');
  if (!fs.existsSync(dist)) {
    console.error('gen-method-docs: build core first (pnpm --filter @glasswing/core build)');
    process.exit(2);
  }
  const { METHODS, METHOD_FAMILIES } = await import(pathToFileURL(dist).href);
  let stale = 0;
  for (const doc of generatedDocs(METHODS, METHOD_FAMILIES)) {
    if (doc.current === doc.wanted) continue;
    stale++;
    if (check) console.error(`${doc.rel}: method list out of date (run node scripts/gen-method-docs.mjs)`);
    else {
      fs.writeFileSync(doc.file, doc.wanted);
      console.log(`${doc.rel}: rewritten`);
    }
  }
  if (check && stale > 0) process.exit(1);
  if (stale === 0) console.log('method docs up to date');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
