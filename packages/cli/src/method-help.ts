/**
 * The method lists of `glasswing attribute --help`, built from core's METHODS at run time (no
 * method id is listed by hand): the ids with their titles, each method's defaults, and per flag
 * the ids that read it.
 */
import { METHODS, type MethodOptionName } from '@glasswing/core';

/** Column where a flag's description starts, and the help's line width. */
export const HELP_INDENT = 28;
export const HELP_WIDTH = 100;

export function methodIds(): string[] {
  return Object.keys(METHODS);
}

/** The ids of the methods that read `option`, in METHODS order. */
export function methodsReading(option: MethodOptionName): string[] {
  return methodIds().filter((id) => METHODS[id]!.options.includes(option));
}

/**
 * `text` wrapped on spaces at `width` columns, every line indented by `indent` spaces; the result
 * starts with a newline (a continuation of a flag's help line).
 */
export function wrapped(text: string, indent = HELP_INDENT, width = HELP_WIDTH): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ').filter((w) => w !== '')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `\n${pad}${l}`).join('');
}

/** The help continuation naming the methods that read `option`: "\n<indent>(used by a, b, …)". */
export function usedBy(option: MethodOptionName): string {
  const ids = methodsReading(option);
  return ids.length === 0 ? '' : wrapped(`(used by ${ids.join(', ')})`);
}

/** "    <id>  <title>" per method, ids padded to one column. */
export function methodTitles(): string {
  const width = Math.max(...methodIds().map((id) => id.length)) + 2;
  return methodIds()
    .map((id) => `    ${id.padEnd(width)}${METHODS[id]!.title}`)
    .join('\n');
}

/** "    <id>  k=v, …" per method (its defaults; '-' for none). */
export function methodDefaults(): string {
  const width = Math.max(...methodIds().map((id) => id.length)) + 2;
  return methodIds()
    .map((id) => {
      const d = Object.entries(METHODS[id]!.defaults).map(([k, v]) => `${k}=${String(v)}`);
      return `    ${id.padEnd(width)}${d.length > 0 ? d.join(', ') : '-'}`;
    })
    .join('\n');
}
