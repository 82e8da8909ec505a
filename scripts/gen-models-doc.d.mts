// Types of gen-models-doc.mjs for the TypeScript tests that import it.
interface ResultsFile {
  readonly rel: string;
  readonly data: { readonly format: string; readonly package: string; readonly adapter: string; readonly rows: readonly Record<string, unknown>[] };
}
export declare const DOC: string;
export declare function readResults(dir?: string): ResultsFile[];
export declare function mergeRows(files: readonly ResultsFile[]): Record<string, string>[];
export declare function renderModelsTable(files: readonly ResultsFile[]): string;
export declare function replaceBlock(text: string, block: string, file?: string): string;
export declare function modelsDoc(dir?: string): { file: string; current: string; wanted: string };
