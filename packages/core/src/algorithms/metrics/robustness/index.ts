/** Metrics family robustness (issue 14): one line per metric file. */
export {};
