/**
 * A small, strict command-line parser: `--name value` or `--name=value`, every flag declared,
 * no abbreviations, no repeats. Anything unexpected is a UsageError (exit code 2).
 */

/** A command-line mistake: the user called the CLI wrongly (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type FlagKind = 'value' | 'switch';

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string>>;
  readonly switches: ReadonlySet<string>;
  readonly positionals: readonly string[];
}

export function parseFlags(argv: readonly string[], spec: Readonly<Record<string, FlagKind>>): ParsedArgs {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      if (arg === '-h') {
        switches.add('help');
        continue;
      }
      throw new UsageError(`unknown option '${arg}'`);
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option '--${name}'`);
    if (kind === 'switch') {
      if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`option '--${name}' needs a value`);
      value = next;
      i++;
    }
    if (name in values) throw new UsageError(`option '--${name}' given more than once`);
    if (value === '') throw new UsageError(`option '--${name}' needs a non-empty value`);
    values[name] = value;
  }
  return { values, switches, positionals };
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseInteger(name: string, raw: string, min: number): number {
  const v = Number(raw);
  if (!INT.test(raw.trim()) || !Number.isSafeInteger(v)) throw new UsageError(`--${name} must be an integer, got '${raw}'`);
  if (v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
  return v;
}

export function parseNumber(name: string, raw: string, min: number): number {
  const v = Number(raw);
  if (!FLOAT.test(raw.trim()) || !Number.isFinite(v)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  if (v < min) throw new UsageError(`--${name} must be at least ${min}, got ${v}`);
  return v;
}

export function parseBoolean(name: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new UsageError(`--${name} must be 'true' or 'false', got '${raw}'`);
}

export function parseChoice<T extends string>(name: string, raw: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${raw}'`);
}

/** `--progress` (true) / `--no-progress` (false) / neither (undefined: a bar when stderr is a TTY). */
export function parseProgressSwitches(switches: ReadonlySet<string>): boolean | undefined {
  const on = switches.has('progress');
  const off = switches.has('no-progress');
  if (on && off) throw new UsageError('--progress and --no-progress contradict each other; give one');
  return on ? true : off ? false : undefined;
}

/** The flag spec entries for `--progress` / `--no-progress`. */
export const PROGRESS_FLAGS: Readonly<Record<string, FlagKind>> = { progress: 'switch', 'no-progress': 'switch' };
