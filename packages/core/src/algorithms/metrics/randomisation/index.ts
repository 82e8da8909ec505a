/** Metrics family randomisation (issue 14): one line per metric file. */
export {};
