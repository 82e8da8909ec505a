/** Types of ml-cart (test-only oracle, a devDependency; never imported by src). */
declare module 'ml-cart' {
  interface CartOptions {
    gainFunction?: string;
    splitFunction?: string;
    minNumSamples?: number;
    maxDepth?: number;
    gainThreshold?: number;
  }
  interface CartNode {
    splitColumn?: number;
    splitValue?: number;
    left?: CartNode;
    right?: CartNode;
  }
  export class DecisionTreeClassifier {
    constructor(options?: CartOptions);
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    root: CartNode;
  }
  export class DecisionTreeRegression {
    constructor(options?: CartOptions);
    train(x: number[][], y: number[]): void;
    predict(x: number[][]): number[];
    root: CartNode;
  }
}
