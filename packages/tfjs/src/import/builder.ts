/** Incremental construction of a core Graph with shape inference after every node. */
import { getOp, ModelFormatError, type Attrs, type Graph, type GraphNode, type OpType, type Tensor } from '@glasswing/core';

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly initializers: Record<string, Tensor> = {};
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly names = new Set<string>();

  constructor(
    readonly inputName: string,
    readonly inputShape: readonly number[],
  ) {
    this.shapes.set(inputName, inputShape);
    this.names.add(inputName);
  }

  /** Add a node named `name` whose single output tensor is also called `name`. */
  node(name: string, op: OpType, inputs: readonly string[], attrs: Attrs = {}): string {
    if (this.names.has(name)) throw new ModelFormatError(`duplicate node or tensor name ${name}`);
    const node: GraphNode = { name, op, inputs: [...inputs], outputs: [name], attrs };
    const inShapes = inputs.map((i) => {
      const s = this.shapes.get(i);
      if (s === undefined) throw new ModelFormatError(`node ${name} reads unknown tensor ${i}`);
      return s;
    });
    const [out] = getOp(op).inferShapes(inShapes, node);
    this.nodes.push(node);
    this.names.add(name);
    this.shapes.set(name, out!);
    return name;
  }

  constant(name: string, t: Tensor): string {
    if (this.names.has(name)) throw new ModelFormatError(`duplicate node or tensor name ${name}`);
    this.initializers[name] = t;
    this.names.add(name);
    this.shapes.set(name, t.shape);
    return name;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  shape(tensor: string): readonly number[] {
    const s = this.shapes.get(tensor);
    if (s === undefined) throw new ModelFormatError(`unknown tensor ${tensor}`);
    return s;
  }

  build(name: string, output: string, metadata: Record<string, string>): Graph {
    return {
      name,
      inputs: [{ name: this.inputName, shape: [...this.inputShape] }],
      outputs: [output],
      initializers: { ...this.initializers },
      nodes: [...this.nodes],
      metadata,
    };
  }
}
