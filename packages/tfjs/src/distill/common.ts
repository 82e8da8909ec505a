/** Shared pieces of the network and tree students: validation, the teacher's outputs, the split, timing. */
import { InvalidArgumentError, ShapeError, createRng, fidelityScore, sizeOf, throwIfAborted, type Model, type Tensor } from '@glasswing/core';

export type DistillTask = 'classification' | 'regression';

export interface DistillProgress {
  readonly done: number;
  readonly total: number;
  /** 'teacher' while the teacher labels the data, 'train' per batch, 'evaluate' at the end. */
  readonly phase: 'teacher' | 'train' | 'evaluate';
  readonly epoch?: number;
  /** Mean training loss of the last finished epoch. */
  readonly loss?: number;
}

export interface CommonDistillOptions {
  /** Default 'classification' (the student learns the teacher's class distribution). */
  readonly task?: DistillTask;
  /** Ground-truth labels, one per row: class indices (classification) or values (regression, output 0). */
  readonly labels?: ArrayLike<number>;
  /** Share of rows held out for fidelity / accuracy, in [0, 1) (default 0.2; 0: measured on the training rows). */
  readonly holdout?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Rows per teacher.forward call (default: teacher.maxRowsPerCall, else 256). */
  readonly teacherBatch?: number;
  /** Measure forward time per example of teacher and student (default true). */
  readonly timing?: boolean;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: DistillProgress) => void;
}

export interface Prepared {
  readonly task: DistillTask;
  readonly rows: number;
  readonly features: number;
  readonly outputs: number;
  readonly labels?: Float64Array;
  readonly trainIdx: Int32Array;
  readonly holdIdx: Int32Array;
  readonly seed: number;
  readonly teacherBatch: number;
}

export function prepare(teacher: Model, data: Tensor, options: CommonDistillOptions, classesNeeded: boolean): Prepared {
  if (!teacher || typeof teacher.forward !== 'function') throw new InvalidArgumentError('distill needs a teacher Model (with forward)');
  if (!data || !Array.isArray(data.shape) || !(data.data instanceof Float32Array)) throw new InvalidArgumentError('data must be a Tensor {shape, data: Float32Array}');
  const rows = data.shape[0] ?? 0;
  if (rows === 0 || data.data.length === 0) throw new ShapeError('distill needs data: got no rows');
  const want = teacher.inputShape;
  if (data.shape.length !== want.length + 1 || want.some((d, i) => d > 0 && data.shape[i + 1] !== d)) {
    throw new ShapeError(`data has shape [${data.shape.join(', ')}] but the teacher takes [N, ${want.join(', ')}]`);
  }
  const features = sizeOf(want);
  if (data.data.length !== rows * features) throw new ShapeError(`data has ${data.data.length} values, shape [${data.shape.join(', ')}] needs ${rows * features}`);
  for (let i = 0; i < data.data.length; i++) if (!Number.isFinite(data.data[i]!)) throw new InvalidArgumentError(`data holds a non-finite value at flat index ${i}`);
  const task = options.task ?? 'classification';
  if (task !== 'classification' && task !== 'regression') throw new InvalidArgumentError(`task must be 'classification' or 'regression', got ${String(task)}`);
  const outputs = sizeOf(teacher.outputShape);
  if (task === 'classification' && outputs < 2 && classesNeeded) {
    throw new ShapeError(`classification distillation needs a teacher with ≥ 2 outputs (class scores), it has ${outputs}; use task 'regression' for a single output`);
  }
  let labels: Float64Array | undefined;
  if (options.labels !== undefined) {
    if (options.labels.length !== rows) throw new ShapeError(`labels has ${options.labels.length} entries but data has ${rows} rows`);
    labels = Float64Array.from(options.labels as ArrayLike<number>);
    labels.forEach((y, i) => {
      if (!Number.isFinite(y)) throw new InvalidArgumentError(`label ${i} is not a finite number`);
      if (task === 'classification' && (!Number.isInteger(y) || y < 0 || y >= Math.max(outputs, 2))) {
        throw new InvalidArgumentError(`label ${i} is ${y}; class labels must be integers in [0, ${Math.max(outputs, 2)})`);
      }
    });
  }
  const holdout = options.holdout ?? 0.2;
  if (typeof holdout !== 'number' || !(holdout >= 0 && holdout < 1)) throw new InvalidArgumentError(`holdout must be in [0, 1), got ${String(holdout)}`);
  const nHold = Math.round(rows * holdout);
  if (holdout > 0 && (nHold < 1 || rows - nHold < 1)) throw new InvalidArgumentError(`holdout ${holdout} of ${rows} rows leaves no held-out or no training rows`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  const teacherBatch = options.teacherBatch ?? teacher.maxRowsPerCall ?? 256;
  if (!Number.isInteger(teacherBatch) || teacherBatch < 1) throw new InvalidArgumentError(`teacherBatch must be a positive integer, got ${String(teacherBatch)}`);
  // Seeded split (Fisher–Yates on createRng(seed).derive(2)).
  const perm = Int32Array.from({ length: rows }, (_, i) => i);
  const rng = createRng(seed).derive(2);
  for (let i = rows - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const holdIdx = Int32Array.from(perm.subarray(0, nHold)).sort();
  const trainIdx = Int32Array.from(perm.subarray(nHold)).sort();
  return { task, rows, features, outputs, ...(labels ? { labels } : {}), trainIdx, holdIdx, seed, teacherBatch };
}

/** The teacher's outputs on every row, [rows × outputs], in calls of `batch` rows. */
export async function teacherOutputs(teacher: Model, data: Tensor, p: Prepared, signal: AbortSignal | undefined, progress: (done: number) => void): Promise<Float32Array> {
  const out = new Float32Array(p.rows * p.outputs);
  let calls = 0;
  for (let s = 0; s < p.rows; s += p.teacherBatch) {
    throwIfAborted(signal);
    const e = Math.min(p.rows, s + p.teacherBatch);
    const y = await teacher.forward({ shape: [e - s, ...teacher.inputShape], data: data.data.subarray(s * p.features, e * p.features) }, signal ? { signal } : {});
    if (y.data.length !== (e - s) * p.outputs) throw new ShapeError(`teacher returned ${y.data.length} values for ${e - s} rows, expected ${(e - s) * p.outputs}`);
    for (let i = 0; i < y.data.length; i++) if (!Number.isFinite(y.data[i]!)) throw new InvalidArgumentError(`the teacher output a non-finite value for row ${s + Math.floor(i / p.outputs)}`);
    out.set(y.data, s * p.outputs);
    progress(++calls);
  }
  return out;
}

export function teacherCalls(p: Prepared): number {
  return Math.ceil(p.rows / p.teacherBatch);
}

export function argmaxRows(values: ArrayLike<number>, rows: number, per: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < per; j++) if (values[r * per + j]! > values[r * per + best]!) best = j;
    out[r] = best;
  }
  return out;
}

/** Rows `idx` of a row-major [rows × per] array. */
export function gatherRows(values: ArrayLike<number>, idx: Int32Array, per: number): Float32Array {
  const out = new Float32Array(idx.length * per);
  idx.forEach((r, i) => {
    for (let j = 0; j < per; j++) out[i * per + j] = values[r * per + j]!;
  });
  return out;
}

export interface Fidelity {
  /** 'agreement': share of rows where the student's top class is the teacher's; 'r2': mean R² over outputs. */
  readonly metric: 'agreement' | 'r2';
  readonly train: number;
  /** Null when holdout is 0. */
  readonly holdout: number | null;
}

/** Agreement of top classes, or the mean over outputs of R² of student against teacher. */
export function fidelityOf(task: DistillTask, student: ArrayLike<number>, teacher: ArrayLike<number>, rows: number, per: number): number {
  if (task === 'classification') return fidelityScore('classification', argmaxRows(student, rows, per), argmaxRows(teacher, rows, per));
  let sum = 0;
  for (let j = 0; j < per; j++) {
    const s = Float64Array.from({ length: rows }, (_, r) => student[r * per + j]!);
    const t = Float64Array.from({ length: rows }, (_, r) => teacher[r * per + j]!);
    sum += fidelityScore('regression', s, t);
  }
  return sum / per;
}

/** Accuracy (classification: top class = label) or R² of output 0 against the labels. */
export function accuracyOf(task: DistillTask, predictions: ArrayLike<number>, labels: ArrayLike<number>, rows: number, per: number): number {
  if (task === 'classification') return fidelityScore('classification', argmaxRows(predictions, rows, per), labels);
  return fidelityScore('regression', Float64Array.from({ length: rows }, (_, r) => predictions[r * per]!), labels);
}

/** Parameters of an IR-backed model (sum of initializer sizes); null for opaque models. */
export function graphParameterCount(model: Model): number | null {
  if (!model.graph) return null;
  let n = 0;
  for (const t of Object.values(model.graph.initializers)) n += sizeOf(t.shape);
  return n;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Milliseconds per example of `run` on `rows` rows: one warm-up, then the fastest of 3 runs. */
export async function timePerExample(run: () => Promise<unknown> | unknown, rows: number): Promise<number> {
  await run();
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = now();
    await run();
    best = Math.min(best, now() - t0);
  }
  return best / rows;
}
