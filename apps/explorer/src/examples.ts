/** The bundled examples (public/examples/catalog.json, written by scripts/examples.mjs). */
import type { ModelFiles } from './protocol.js';

export interface Example {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly files: readonly string[];
  readonly classes: readonly string[];
  readonly input:
    | { readonly kind: 'image'; readonly preprocessing: { scale: number; mean: number; std: number; invert: boolean } }
    | { readonly kind: 'tabular'; readonly features: readonly string[] }
    | { readonly kind: 'tokens'; readonly vocab: readonly string[]; readonly seqLength: number };
  readonly samples: readonly { readonly label: string; readonly file?: string; readonly row?: string; readonly tokens?: string }[];
}

export const assetUrl = (rel: string): string => `${import.meta.env.BASE_URL}examples/${rel}`;

export async function loadCatalog(): Promise<Example[]> {
  const res = await fetch(assetUrl('catalog.json'));
  if (!res.ok) throw new Error(`examples/catalog.json: HTTP ${res.status}`);
  return (await res.json()) as Example[];
}

export async function exampleFiles(ex: Example): Promise<ModelFiles> {
  const entries = await Promise.all(
    ex.files.map(async (f) => {
      const res = await fetch(assetUrl(f));
      if (!res.ok) throw new Error(`${f}: HTTP ${res.status}`);
      return [f.split('/').pop()!, new Uint8Array(await res.arrayBuffer())] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** Files a person picked or dropped, by name. */
export async function droppedFiles(list: FileList | readonly File[]): Promise<ModelFiles> {
  const files = Array.from(list);
  const entries = await Promise.all(files.map(async (f) => [f.name, new Uint8Array(await f.arrayBuffer())] as const));
  return Object.fromEntries(entries);
}
