/** Types of the test-only oracle libraries that ship none (devDependencies; never imported by src). */
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';
  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    train(x: Matrix, y: Matrix): void;
    classifiers: unknown[];
  }
}
