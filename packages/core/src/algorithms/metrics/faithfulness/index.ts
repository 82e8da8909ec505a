/** Metrics family faithfulness (issue 14): one line per metric file. */
export {};
