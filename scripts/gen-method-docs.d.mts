// Types of gen-method-docs.mjs for the TypeScript tests that import it.
interface SpecLike {
  readonly id: string;
  readonly title: string;
  readonly requires: Readonly<Record<string, boolean | undefined>>;
  readonly options: readonly string[];
  readonly defaults: Readonly<Record<string, unknown>>;
}
interface FamilyLike {
  readonly family: string;
  readonly ids: readonly string[];
}
export declare function flagOf(option: string): string;
export declare function needsOf(spec: SpecLike): string;
export declare function renderMethodBlocks(methods: Readonly<Record<string, SpecLike>>, families: readonly FamilyLike[]): Record<string, string>;
export declare const GENERATED_DOCS: Readonly<Record<string, readonly string[]>>;
export declare function replaceBlocks(text: string, names: readonly string[], blocks: Readonly<Record<string, string>>, file?: string): string;
export declare function generatedDocs(
  methods: Readonly<Record<string, SpecLike>>,
  families: readonly FamilyLike[],
  dir?: string,
): { rel: string; file: string; current: string; wanted: string }[];
