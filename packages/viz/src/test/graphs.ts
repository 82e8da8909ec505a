/** Small graphs for the viz tests (not part of the public API). */
import { tensor, zeros } from '@glasswing/core';
import type { Graph } from '@glasswing/core';

/** x -> (d1 -> r1) and (d2) -> concat -> out -> softmax: a branch and a merge. */
export function branchGraph(): Graph {
  return {
    name: 'branchy',
    inputs: [{ name: 'x', shape: [-1, 4] }],
    outputs: ['probs'],
    initializers: {
      W1: zeros([4, 3]),
      b1: zeros([3]),
      W2: zeros([4, 3]),
      W3: tensor(Array.from({ length: 12 }, (_, i) => i), [6, 2]),
      b3: zeros([2]),
    },
    nodes: [
      { name: 'd1', op: 'Gemm', inputs: ['x', 'W1', 'b1'], outputs: ['h1'], attrs: {} },
      { name: 'r1', op: 'Relu', inputs: ['h1'], outputs: ['a1'], attrs: {} },
      { name: 'd2', op: 'Gemm', inputs: ['x', 'W2'], outputs: ['h2'], attrs: {} },
      { name: 'cat', op: 'Concat', inputs: ['a1', 'h2'], outputs: ['c'], attrs: { axis: 1 } },
      { name: 'out<&>', op: 'Gemm', inputs: ['c', 'W3', 'b3'], outputs: ['logits'], attrs: {} },
      { name: 'sm', op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
    ],
  };
}
