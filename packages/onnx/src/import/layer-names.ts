/**
 * `layer` names for imported ONNX models: IR node names, ONNX node or tensor names, and PyTorch
 * module paths of torch.onnx exports (`conv1`, `layer2.1.conv2`, `layer4`, `features.18`; also
 * written `model.layer4` or `features[18]`), which resolve to the node carrying the module's
 * output (see module-paths.ts). A module the exporter folded away (a BatchNorm merged into its
 * Conv, a Dropout removed in eval mode) is a FoldedLayerError naming the node that now carries its
 * output; any other unknown name an UnknownLayerError with the nearest names.
 */
import { CapabilityError, FoldedLayerError, InvalidArgumentError, UnknownLayerError, nearestNames } from '@glasswing/core';
import type { OnnxImportResult } from './import-onnx.js';
import type { OnnxModule, OnnxModuleIndex } from './module-paths.js';

export type LayerNameSource = Pick<OnnxImportResult, 'graph' | 'layerNames' | 'reasons' | 'modules'>;

/** How a layer name was resolved. */
export interface LayerResolution {
  /** The name asked for. */
  readonly name: string;
  /** The IR node (layer) it stands for: one of the model's `layerNames`. */
  readonly layer: string;
  readonly via: 'layer' | 'onnx-name' | 'module';
  /** For module paths: the module (its output node, kind, calls). */
  readonly module?: OnnxModule;
  /** Caveats worth telling the user (a folded normalisation, a module called several times). */
  readonly notes: readonly string[];
}

const NUMERIC = /^\d+$/;

/** `model.features[18]` → `features.18` (a leading `model.`/`self.` dropped unless it is a module). */
export function normalizeModulePath(name: string, index: OnnxModuleIndex): string {
  let p = name.trim().replace(/\[(\d+)\]/g, '.$1');
  const m = /^(model|self|module)\.(.+)$/.exec(p);
  if (m && index.modules[m[1]!] === undefined) p = m[2]!;
  return p;
}

function requireGraph(result: LayerNameSource, name: string) {
  const graph = result.graph;
  if (graph === null) {
    throw new CapabilityError(`layer ${name}: the model is forward-only (${result.reasons.join('; ')}), so layers cannot be tapped`);
  }
  return graph;
}

/** The resolution of `name` (see the file comment); typed errors when it names no layer. */
export function describeLayerName(result: LayerNameSource, name: string): LayerResolution {
  const graph = requireGraph(result, name);
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('a layer name must be a non-empty string');
  if (graph.nodes.some((n) => n.name === name)) return { name, layer: name, via: 'layer', notes: [] };
  const mapped = result.layerNames[name];
  if (mapped !== undefined) return { name, layer: mapped, via: 'onnx-name', notes: [] };
  const index = result.modules;
  const path = normalizeModulePath(name, index);
  const module = index.modules[path];
  if (module !== undefined) {
    if (module.problem !== undefined) throw new InvalidArgumentError(`layer '${name}': ${module.problem}`);
    if (module.layer === undefined) throw new InvalidArgumentError(`layer '${name}': module '${path}' has no IR node for its output ${module.tensor}`);
    return { name, layer: module.layer, via: 'module', module, notes: moduleNotes(module) };
  }
  const folded = foldedModule(index, path);
  if (folded) throw foldedError(name, path, folded, index);
  throw unknownLayer(result, name, path);
}

/** The IR node (layer) name for `name`; see describeLayerName. */
export function resolveLayerName(result: LayerNameSource, name: string): string {
  return describeLayerName(result, name).layer;
}

/** Module paths whose output each IR node carries (outermost first), for listings. */
export function modulesByLayer(index: OnnxModuleIndex): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of Object.values(index.modules)) {
    if (m.layer === undefined || m.problem !== undefined) continue;
    (out[m.layer] ??= []).push(m.path);
  }
  for (const list of Object.values(out)) list.sort((a, b) => a.split('.').length - b.split('.').length || a.length - b.length);
  return out;
}

function moduleNotes(m: OnnxModule): string[] {
  const notes: string[] = [];
  if (m.foldedNorm) {
    notes.push(
      `the exporter folded a normalisation (BatchNorm) into ${m.node}: module '${m.path}' now outputs the normalised values ` +
        `(what Captum gives on that BatchNorm module), not the raw convolution`,
    );
  }
  if (m.calls > 1) {
    notes.push(
      `module '${m.path}' runs ${m.calls} times; as with Captum's hook this is its last call (${m.node}); ` +
        `earlier calls: ${m.earlierCalls.join(', ')}`,
    );
  }
  return notes;
}

interface Folded {
  readonly how: 'folded' | 'removed';
  /** The layer carrying the module's output (undefined: the model input). */
  readonly layer: string | undefined;
  /** The ONNX node producing it (undefined: the model input). */
  readonly node: string | undefined;
}

const join = (parent: string, atom: string) => (parent === '' ? atom : `${parent}.${atom}`);
const lastAtom = (path: string) => path.slice(path.lastIndexOf('.') + 1);
const looksLikeNorm = (atom: string) => /^(bn|norm|batch_?norm)/i.test(atom) || /(bn|norm)\d*$/i.test(atom);

/**
 * Whether `path` is a module the exporter left without a node, and what carries its output:
 *  - child k of a Sequential-like parent (numeric children) right after a leaf Conv whose weight
 *    was rebuilt by folding: the BatchNorm folded into that Conv (`features.0.1`, `downsample.1`);
 *  - a missing index below the parent's last child otherwise (children are contiguous): removed
 *    as an identity in eval mode (Dropout), its output that of the previous child (or the
 *    parent's input for index 0, `classifier.0`);
 *  - a named normalisation child (`bn1`, `norm`) next to the folded Conv with the same number
 *    (`conv1`), or, without a number, next to exactly one folded Conv.
 */
function foldedModule(index: OnnxModuleIndex, path: string): Folded | undefined {
  const cut = path.lastIndexOf('.');
  const parent = cut < 0 ? '' : path.slice(0, cut);
  const atom = path.slice(cut + 1);
  if (atom === '' || (parent !== '' && index.modules[parent] === undefined)) return undefined;
  const kids = index.children[parent] ?? [];
  const outputOf = (m: OnnxModule | undefined): Folded | undefined =>
    m && m.layer !== undefined && m.problem === undefined ? { how: 'removed', layer: m.layer, node: m.node } : undefined;
  if (NUMERIC.test(atom)) {
    const k = Number(atom);
    const nums = kids.filter((a) => NUMERIC.test(a)).map(Number);
    if (nums.length === 0) return undefined;
    const before = nums.filter((i) => i < k);
    const gap = nums.some((i) => i > k);
    if (before.length === 0) {
      if (!gap) return undefined;
      const input = index.inputs[parent];
      if (parent === '' || input === undefined) return undefined;
      return { how: 'removed', layer: input.layer, node: input.node };
    }
    const prev = index.modules[join(parent, String(Math.max(...before)))];
    if (prev?.kind === 'leaf' && prev.foldedNorm && Math.max(...before) === k - 1) {
      const f = outputOf(prev);
      return f ? { ...f, how: 'folded' } : undefined;
    }
    return gap ? outputOf(prev) : undefined;
  }
  if (!looksLikeNorm(atom)) return undefined;
  const fused = kids
    .filter((a) => !NUMERIC.test(a))
    .map((a) => index.modules[join(parent, a)]!)
    .filter((m) => m !== undefined && m.kind === 'leaf' && m.foldedNorm);
  const suffix = /(\d*)$/.exec(atom)![1]!;
  const matching = fused.filter((m) => /conv/i.test(lastAtom(m.path)) && /(\d*)$/.exec(lastAtom(m.path))![1] === suffix);
  const into = matching.length === 1 ? matching[0] : suffix === '' && fused.length === 1 ? fused[0] : undefined;
  const f = outputOf(into);
  return f ? { ...f, how: 'folded' } : undefined;
}

function foldedError(name: string, path: string, f: Folded, index: OnnxModuleIndex): FoldedLayerError {
  const alias = f.layer !== undefined ? modulesByLayer(index)[f.layer]?.at(-1) : undefined;
  const use = f.node === undefined ? '' : `; use layer ${alias !== undefined ? `'${alias}' or ` : ''}'${f.node}'`;
  const what =
    f.how === 'folded'
      ? `the exporter folded it (a BatchNorm) into ${f.node}, whose output is therefore this module's output`
      : f.node === undefined
        ? 'the exporter removed it (an identity in eval mode, such as Dropout), so its output is the model input, which no layer carries'
        : `the exporter removed it (an identity in eval mode, such as Dropout), so its output is its input, the output of ${f.node}`;
  return new FoldedLayerError(name, f.layer, `layer '${name}': module '${path}' has no node in this ONNX export: ${what}${use}`);
}

function unknownLayer(result: LayerNameSource, name: string, path: string): UnknownLayerError {
  const index = result.modules;
  const paths = Object.keys(index.modules);
  const nodeNames = [...Object.keys(result.layerNames).filter((k) => k.startsWith('/')), ...result.graph!.nodes.map((n) => n.name)];
  const candidates = nearestNames(path, [...paths, ...nodeNames], 6);
  const looksLikeModule = !name.includes('/') && /^[A-Za-z_][\w.[\]]*$/.test(name);
  const cut = path.lastIndexOf('.');
  const parent = cut < 0 ? '' : path.slice(0, cut);
  let hint = '';
  if (looksLikeModule && paths.length === 0) {
    hint =
      ' (the node names of this model carry no PyTorch module scopes, so module names are not available: they are read from' +
      ' node names like /layer1/layer1.0/conv1/Conv, as torch.onnx.export(..., dynamo=False) writes them; name a node)';
  } else if (looksLikeModule && (parent === '' || index.modules[parent] !== undefined)) {
    const kids = index.children[parent] ?? [];
    const numeric = kids.length > 1 && kids.every((k) => NUMERIC.test(k));
    const shown = numeric
      ? `${Math.min(...kids.map(Number))}–${Math.max(...kids.map(Number))}`
      : kids.slice(0, 12).join(', ') + (kids.length > 12 ? ', …' : '');
    const owner = parent === '' ? 'the model' : `module '${parent}'`;
    hint =
      ` (${owner} has children ${shown}; if '${path}' is a module of your PyTorch model, the exporter removed or folded it: ` +
      'name the node that carries its output)';
  }
  return new UnknownLayerError(
    name,
    candidates,
    `unknown layer '${name}': not a node, tensor or PyTorch module name of this model${hint}; nearest: ${candidates.join(', ')}`,
  );
}
