/** Metrics family localisation (issue 14): one line per metric file. */
export {};
