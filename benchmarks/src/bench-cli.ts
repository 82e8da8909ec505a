/**
 * What the per-family benchmark commands (metrics-bench, surrogate-bench, feature-visualization)
 * share: `--quick`, `--out <dir>`, `--adapters a,b` parsing, the environment line of a report, and
 * writing `<out>/<date>-<name>.{json,md}`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADAPTERS, adapterById } from './adapters.js';

export interface AdapterBenchOptions {
  readonly quick: boolean;
  readonly out: string;
  readonly adapters: readonly string[];
}

export interface BenchEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
}

/** `--quick`, `--out <dir>` (default benchmarks/results), `--adapters a,b` (default every adapter). */
export function parseAdapterBenchArgs(argv: readonly string[]): AdapterBenchOptions {
  let quick = false;
  let out = fileURLToPath(new URL('../results', import.meta.url));
  let adapters = ADAPTERS.map((a) => a.id);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '--out' || a === '--adapters') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      if (a === '--out') out = path.resolve(v);
      else adapters = v.split(',').map((s) => adapterById(s.trim()).id);
    } else throw new Error(`unknown option ${a}`);
  }
  return { quick, out, adapters };
}

export function benchEnvironment(): BenchEnvironment {
  return { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length };
}

/** Writes `<out>/<date of report>-<name>.json` and `.md`; returns their paths. */
export async function writeBenchFiles(out: string, name: string, report: { readonly date: string }, markdown: string): Promise<string[]> {
  await mkdir(out, { recursive: true });
  const stem = path.join(out, `${report.date.slice(0, 10)}-${name}`);
  await writeFile(`${stem}.json`, JSON.stringify(report, null, 1) + '\n');
  await writeFile(`${stem}.md`, markdown);
  return [`${stem}.json`, `${stem}.md`];
}
