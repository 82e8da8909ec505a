// Types of gen-metrics-doc.mjs for the TypeScript tests that import it.
export declare const DOC: string;
export declare const TASK_IDS: readonly string[];
export declare const EVALUATE_ARGS: readonly string[];
export declare function resultFile(task: string): string;
export declare function renderBenchmark(rankingMarkdown: (r: never) => string, dir?: string): string;
export declare function replaceBlock(text: string, block: string, file?: string): string;
