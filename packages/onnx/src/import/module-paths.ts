/**
 * PyTorch module paths of an ONNX model exported by torch.onnx (the TorchScript exporter,
 * `dynamo=False`): node names carry the module scopes, `/layer2/layer2.1/conv2/Conv`. Each scope
 * segment is the module's `_unqualified_variable_name` (its qualified name from the last
 * non-numeric atom on: `layer2.1`, `conv2`, `features.18.2`, `conv.1.0`), and a module called
 * again in the same parent gets a `_<k>` suffix (`relu`, `relu_1`).
 *
 * A module's output is what Captum hooks: the tensor its scope produces for the rest of the graph
 * (for a ResNet BasicBlock the ReLU after the residual Add, for an InvertedResidual with a
 * residual the Add), of its LAST call when it runs more than once (Captum's hook keeps the last).
 * Plain data (no classes), built once per import.
 */

/** One ONNX node as the index needs it. */
export interface ScopedNode {
  readonly name: string;
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface OnnxModule {
  /** Module path as PyTorch names it (`layer2.1.conv2`). */
  readonly path: string;
  /** 'leaf': no module scopes inside; 'container': has child modules. */
  readonly kind: 'leaf' | 'container';
  /** How many times the module runs (scopes `x`, `x_1`, …). */
  readonly calls: number;
  /** The ONNX node producing the module's output (last call). */
  readonly node: string;
  /** The output tensor (ONNX name). */
  readonly tensor: string;
  /** The IR node (layer) carrying that tensor; undefined when the model has no IR graph. */
  readonly layer?: string;
  /** ONNX nodes of the earlier calls' outputs (calls > 1). */
  readonly earlierCalls: readonly string[];
  /**
   * A leaf Conv whose weight the exporter rebuilt (an `onnx::Conv_*` tensor instead of
   * `<path>.weight`): a normalisation (BatchNorm) was folded into it, so its output is the
   * normalised one.
   */
  readonly foldedNorm: boolean;
  /** Why the module has no usable output (several tensors leave it, or none does); else undefined. */
  readonly problem?: string;
}

export interface OnnxModuleIndex {
  /** Modules by path, in the order their scopes first appear. */
  readonly modules: Readonly<Record<string, OnnxModule>>;
  /** Direct child module names (last path atom) per module path ('' = the model itself). */
  readonly children: Readonly<Record<string, readonly string[]>>;
  /** Per module path: the first tensor entering its last call from outside, and its layer. */
  readonly inputs: Readonly<Record<string, { readonly tensor: string; readonly node?: string; readonly layer?: string }>>;
}

interface Instance {
  readonly key: string;
  readonly segment: string;
  readonly parent: Instance | undefined;
  base: string;
  call: number;
  path: string;
  readonly nodes: number[];
  hasChildren: boolean;
}

/** The scope segments and op part of a torch.onnx node name, or undefined for unscoped names. */
export function scopeOf(name: string): string[] | undefined {
  if (!name.startsWith('/')) return undefined;
  const parts = name.slice(1).split('/');
  if (parts.length < 1 || parts.some((p) => p === '')) return undefined;
  return parts.slice(0, -1);
}

const NUMERIC = /^\d+$/;

/** The module path of a scope segment `segment` (already stripped of a call suffix) under `parent`. */
function childPath(parentPath: string, parentBase: string, segment: string): string {
  if (parentPath === '') return segment;
  if (segment.startsWith(parentBase + '.')) {
    const rest = segment.slice(parentBase.length + 1).split('.');
    if (rest.every((a) => NUMERIC.test(a))) return `${parentPath}.${rest.join('.')}`;
  }
  return `${parentPath}.${segment}`;
}

/**
 * The module index of an exported model's nodes (in graph order). `layerOf` maps an ONNX tensor
 * computed from the model input to the IR node carrying it (undefined for constants, weights and
 * the input itself); `input` is the model input's name.
 */
export function buildModuleIndex(
  nodes: readonly ScopedNode[],
  graphOutputs: readonly string[],
  input: string,
  layerOf: (tensor: string) => string | undefined,
): OnnxModuleIndex {
  const instances = new Map<string, Instance>();
  const order: Instance[] = [];
  nodes.forEach((node, index) => {
    const scope = scopeOf(node.name) ?? [];
    let parent: Instance | undefined;
    for (let i = 0; i < scope.length; i++) {
      const key = scope.slice(0, i + 1).join('/');
      let inst = instances.get(key);
      if (!inst) {
        inst = { key, segment: scope[i]!, parent, base: scope[i]!, call: 1, path: '', nodes: [], hasChildren: false };
        instances.set(key, inst);
        order.push(inst);
        if (parent) parent.hasChildren = true;
      }
      inst.nodes.push(index);
      parent = inst;
    }
  });
  // Call suffixes: `x_<k>` is call k+1 of `x` when the same parent also has a scope `x`.
  const siblings = new Map<string, Set<string>>();
  for (const inst of order) {
    const p = inst.parent?.key ?? '';
    if (!siblings.has(p)) siblings.set(p, new Set());
    siblings.get(p)!.add(inst.segment);
  }
  for (const inst of order) {
    const m = /^(.+)_(\d+)$/.exec(inst.segment);
    if (m && siblings.get(inst.parent?.key ?? '')!.has(m[1]!)) {
      inst.base = m[1]!;
      inst.call = Number(m[2]) + 1;
    }
    inst.path = childPath(inst.parent?.path ?? '', inst.parent?.base ?? '', inst.base);
  }

  const consumers = new Map<string, number[]>();
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const t of node.inputs) if (t) (consumers.get(t) ?? consumers.set(t, []).get(t)!).push(i);
    for (const t of node.outputs) if (t) producer.set(t, i);
  });
  const graphOut = new Set(graphOutputs);
  const computed = (t: string) => t !== '' && (t === input || layerOf(t) !== undefined);
  /** Tensors computed from the input that leave the instance (consumed outside it, or graph outputs). */
  const leaving = (inst: Instance): string[] => {
    const inside = new Set(inst.nodes);
    const out: string[] = [];
    for (const i of inst.nodes) {
      for (const t of nodes[i]!.outputs) {
        if (!computed(t) || out.includes(t)) continue;
        if (graphOut.has(t) || (consumers.get(t) ?? []).some((c) => !inside.has(c))) out.push(t);
      }
    }
    return out;
  };
  /** The first input-computed tensor entering the instance from outside. */
  const entering = (inst: Instance): string | undefined => {
    const inside = new Set(inst.nodes);
    for (const i of inst.nodes) {
      const t = nodes[i]!.inputs.find((name) => computed(name) && !inside.has(producer.get(name) ?? -1));
      if (t !== undefined) return t;
    }
    return undefined;
  };

  const byPath = new Map<string, Instance[]>();
  for (const inst of order) (byPath.get(inst.path) ?? byPath.set(inst.path, []).get(inst.path)!).push(inst);

  const modules: Record<string, OnnxModule> = {};
  const children: Record<string, string[]> = { '': [] };
  const inputs: Record<string, { tensor: string; node?: string; layer?: string }> = {};
  const nodeOf = (t: string): string | undefined => (producer.has(t) ? nodes[producer.get(t)!]!.name : undefined);
  for (const [path, calls] of byPath) {
    calls.sort((a, b) => a.call - b.call);
    const last = calls[calls.length - 1]!;
    const parentPath = last.parent?.path ?? '';
    const atom = parentPath === '' ? path : path.slice(parentPath.length + 1);
    const list = (children[parentPath] ??= []);
    if (!list.includes(atom)) list.push(atom);
    children[path] ??= [];

    const outs = leaving(last);
    const tensor = outs.length === 1 ? outs[0]! : '';
    const layer = tensor ? layerOf(tensor) : undefined;
    const earlierCalls = calls.slice(0, -1).map((c) => {
      const o = leaving(c);
      return (o.length === 1 ? nodeOf(o[0]!) : undefined) ?? `/${c.key}/…`;
    });
    const kind = calls.some((c) => c.hasChildren) ? 'container' : 'leaf';
    const conv = kind === 'leaf' ? last.nodes.map((i) => nodes[i]!).find((n) => n.op === 'Conv' || n.op === 'ConvTranspose') : undefined;
    const weight = conv?.inputs[1] ?? '';
    const foldedNorm = conv !== undefined && weight !== `${path}.weight` && weight.startsWith('onnx::');
    let problem: string | undefined;
    if (outs.length === 0) {
      problem = `module '${path}' computes nothing from the model input in this export (its nodes were folded to constants or pruned)`;
    } else if (outs.length > 1) {
      const shown = outs.map((t) => `${t} (node ${nodeOf(t) ?? '?'})`).join(', ');
      problem = `module '${path}' has ${outs.length} outputs in this export (${shown}); name one of those nodes or tensors`;
    }
    modules[path] = {
      path,
      kind,
      calls: calls.length,
      node: (tensor && nodeOf(tensor)) || '',
      tensor,
      ...(layer !== undefined ? { layer } : {}),
      earlierCalls,
      foldedNorm,
      ...(problem !== undefined ? { problem } : {}),
    };
    const t = entering(last);
    if (t !== undefined) {
      const node = nodeOf(t);
      const l = layerOf(t);
      inputs[path] = { tensor: t, ...(node !== undefined ? { node } : {}), ...(l !== undefined ? { layer: l } : {}) };
    }
  }
  return { modules, children, inputs };
}
