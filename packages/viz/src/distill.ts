/**
 * Distillation summary: teacher vs student, one row per measure with a grey teacher bar and a
 * blue student bar, each labelled with its value — fidelity (agreement with the teacher, or R²;
 * the teacher is 1 by definition), accuracy against labels (when given), parameter count (with
 * the size ratio) and forward time per example (with the speedup) — then, when given, the
 * student's training loss per epoch as a line chart. Each measure has its own axis: [0, 1] for
 * fidelity and accuracy, [0, the larger value] for parameters and time (a negative R² draws no
 * bar; its label still shows it). One Scene drawn as SVG and PNG (scene.ts).
 */
import { InvalidArgumentError } from '@glasswing/core';
import type { Rgb } from './raster.js';
import { labelWidth, scenePng, sceneSvg, type Scene, type SceneItem } from './scene.js';
import { formatNumber, niceTicks } from './svg.js';

const MUTED: Rgb = [110, 110, 110];
const TEACHER: Rgb = [165, 165, 165];
const STUDENT: Rgb = [78, 121, 167];
const AXIS: Rgb = [215, 215, 215];
const GRID: Rgb = [235, 235, 235];

export interface DistillChartInput {
  readonly title?: string;
  /** Under the title (e.g. the student's architecture and the rows). */
  readonly subtitle?: string;
  /** Student fidelity: top-class agreement with the teacher, or mean R² (regression). */
  readonly fidelity: { readonly metric: 'agreement' | 'r2'; readonly value: number; readonly rows?: string };
  /** Accuracy against labels (metric 'accuracy' or 'r2'), when labels were given. */
  readonly accuracy?: { readonly metric: 'accuracy' | 'r2'; readonly teacher: number; readonly student: number; readonly rows?: string } | null;
  /** Parameter counts (teacher null: unknown; a tree student counts its nodes). */
  readonly size: { readonly teacher: number | null; readonly student: number };
  /** Forward time per example in milliseconds. */
  readonly speed?: { readonly teacherMs: number; readonly studentMs: number } | null;
  /** Training loss per epoch. */
  readonly loss?: readonly number[];
}

interface Row {
  readonly name: string;
  readonly note: string;
  readonly teacher: number | null;
  readonly student: number;
  readonly unit: boolean; // axis [0, 1]
  readonly fmt: (v: number) => string;
  /** The teacher's value label, when not fmt(teacher). */
  readonly teacherText?: string;
}

function finite(v: number, what: string): void {
  if (!Number.isFinite(v)) throw new InvalidArgumentError(`distill chart: ${what} must be finite, got ${v}`);
}

function rows(input: DistillChartInput): Row[] {
  const out: Row[] = [];
  const f = input.fidelity;
  finite(f.value, 'fidelity');
  out.push({
    name: 'fidelity',
    note: `${f.metric === 'r2' ? 'R² to the teacher' : 'agreement with the teacher'}${f.rows ? `, ${f.rows}` : ''}`,
    teacher: 1,
    teacherText: `${f.metric === 'r2' ? '1' : '100%'} (itself)`,
    student: f.value,
    unit: true,
    fmt: (v) => (f.metric === 'r2' ? formatNumber(v, 3) : `${(100 * v).toFixed(1)}%`),
  });
  const a = input.accuracy;
  if (a) {
    finite(a.teacher, 'teacher accuracy');
    finite(a.student, 'student accuracy');
    out.push({
      name: 'accuracy',
      note: `${a.metric === 'r2' ? 'R² to the labels' : 'against the labels'}${a.rows ? `, ${a.rows}` : ''}`,
      teacher: a.teacher,
      student: a.student,
      unit: true,
      fmt: (v) => (a.metric === 'r2' ? formatNumber(v, 3) : `${(100 * v).toFixed(1)}%`),
    });
  }
  const s = input.size;
  finite(s.student, 'student parameters');
  if (s.teacher !== null) finite(s.teacher, 'teacher parameters');
  const ratio = s.teacher ? ` (${formatNumber(s.student / s.teacher, 2)}× the teacher)` : '';
  out.push({ name: 'parameters', note: `student size${ratio}`, teacher: s.teacher, student: s.student, unit: false, fmt: (v) => String(Math.round(v)) });
  const sp = input.speed;
  if (sp) {
    finite(sp.teacherMs, 'teacher time');
    finite(sp.studentMs, 'student time');
    const speedup = sp.studentMs > 0 ? sp.teacherMs / sp.studentMs : Infinity;
    out.push({
      name: 'ms per example',
      note: `forward time${Number.isFinite(speedup) && speedup > 0 ? ` (student ${speedup >= 1 ? `${formatNumber(speedup, 3)}× faster` : `${formatNumber(1 / speedup, 3)}× slower`})` : ''}`,
      teacher: sp.teacherMs,
      student: sp.studentMs,
      unit: false,
      fmt: (v) => formatNumber(v, 3),
    });
  }
  return out;
}

function scene(input: DistillChartInput): Scene {
  const title = input.title ?? 'Distillation: teacher vs student';
  const items: SceneItem[] = [];
  const measures = rows(input);
  const loss = input.loss ?? [];
  loss.forEach((v, i) => finite(v, `loss of epoch ${i + 1}`));
  const nameW = Math.max(...measures.map((r) => labelWidth(r.name)), loss.length > 0 ? labelWidth('training loss') : 0);
  const left = 16 + nameW + 12;
  const barW = 280;
  const valW = 80;
  const notes = measures.map((r) => labelWidth(r.note));
  const width = Math.max(left + barW + valW + 16, labelWidth(title, true) + 40, input.subtitle ? labelWidth(input.subtitle) + 40 : 0, ...notes.map((w) => left + w + 16), 440);
  items.push({ kind: 'text', x: 16, y: 24, text: title, bold: true, big: true });
  let y = 42;
  if (input.subtitle) {
    items.push({ kind: 'text', x: 16, y, text: input.subtitle, color: MUTED });
    y += 18;
  }
  let lx = 16;
  for (const [label, color] of [['teacher', TEACHER], ['student', STUDENT]] as const) {
    items.push({ kind: 'rect', x: lx, y: y - 9, w: 12, h: 12, fill: color });
    items.push({ kind: 'text', x: lx + 17, y: y + 1, text: label });
    lx += 17 + labelWidth(label) + 18;
  }
  y += 12;
  for (const r of measures) {
    const top = y + 12;
    const hi = r.unit ? 1 : Math.max(r.teacher ?? 0, r.student) || 1;
    const len = (v: number) => Math.max(1, (Math.min(Math.max(v, 0), hi) / hi) * barW);
    items.push({ kind: 'line', x1: 16, y1: top - 6, x2: width - 16, y2: top - 6, color: AXIS });
    items.push({ kind: 'text', x: left - 10, y: top + 17, text: r.name, anchor: 'end', bold: true });
    items.push({ kind: 'text', x: left, y: top + 8, text: r.note, color: MUTED });
    const bars = top + 14;
    if (r.teacher !== null) {
      const w = len(r.teacher);
      items.push({ kind: 'rect', x: left, y: bars, w, h: 11, fill: TEACHER });
      items.push({ kind: 'text', x: left + w + 5, y: bars + 10, text: r.teacherText ?? r.fmt(r.teacher), color: MUTED });
    } else {
      items.push({ kind: 'text', x: left, y: bars + 10, text: 'teacher: unknown', color: MUTED });
    }
    const w = len(r.student);
    items.push({ kind: 'rect', x: left, y: bars + 13, w, h: 11, fill: STUDENT });
    items.push({ kind: 'text', x: left + w + 5, y: bars + 23, text: r.fmt(r.student), bold: true });
    y = bars + 30;
  }
  if (loss.length > 0) {
    const top = y + 12;
    items.push({ kind: 'line', x1: 16, y1: top - 6, x2: width - 16, y2: top - 6, color: AXIS });
    items.push({ kind: 'text', x: left - 10, y: top + 17, text: 'training loss', anchor: 'end', bold: true });
    items.push({ kind: 'text', x: left, y: top + 8, text: 'student loss per epoch', color: MUTED });
    const plotTop = top + 20;
    const plotH = 110;
    const plotL = left + 34;
    const plotW = barW - 34;
    // The axis starts at 0 for non-negative losses (the usual case) and ends on a tick.
    let lo = Math.min(0, ...loss);
    let hi = Math.max(...loss);
    if (hi === lo) hi = lo + 1;
    let ticks = niceTicks(lo, hi, 4);
    const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : hi - lo;
    lo = Math.min(lo, Math.floor(lo / step + 1e-9) * step);
    hi = Math.max(hi, Math.ceil(hi / step - 1e-9) * step);
    ticks = niceTicks(lo, hi, 4);
    const sy = (v: number) => plotTop + plotH - ((v - lo) / (hi - lo)) * plotH;
    const sx = (i: number) => plotL + (loss.length === 1 ? plotW / 2 : (i / (loss.length - 1)) * plotW);
    for (const t of ticks) {
      items.push({ kind: 'line', x1: plotL, y1: sy(t), x2: plotL + plotW, y2: sy(t), color: GRID });
      items.push({ kind: 'text', x: plotL - 5, y: sy(t) + 4, text: formatNumber(t, 3), anchor: 'end', color: MUTED });
    }
    items.push({ kind: 'line', x1: plotL, y1: plotTop + plotH, x2: plotL + plotW, y2: plotTop + plotH, color: MUTED });
    items.push({ kind: 'line', x1: plotL, y1: plotTop, x2: plotL, y2: plotTop + plotH, color: MUTED });
    for (let i = 1; i < loss.length; i++) items.push({ kind: 'line', x1: sx(i - 1), y1: sy(loss[i - 1]!), x2: sx(i), y2: sy(loss[i]!), color: STUDENT });
    for (let i = 0; i < loss.length; i++) items.push({ kind: 'marker', x: sx(i), y: sy(loss[i]!), r: 2, shape: 'circle', fill: STUDENT });
    const xt = plotTop + plotH + 14;
    items.push({ kind: 'text', x: sx(0), y: xt, text: '1', anchor: 'middle', color: MUTED });
    if (loss.length > 1) items.push({ kind: 'text', x: sx(loss.length - 1), y: xt, text: String(loss.length), anchor: 'middle', color: MUTED });
    items.push({ kind: 'text', x: plotL + plotW / 2, y: xt, text: 'epoch', anchor: 'middle', color: MUTED });
    items.push({ kind: 'text', x: plotL + plotW + 8, y: sy(loss[loss.length - 1]!) + 4, text: formatNumber(loss[loss.length - 1]!, 3), bold: true });
    y = xt + 4;
  }
  return { width, height: y + 14, title, items };
}

export function distillChartSvg(input: DistillChartInput): string {
  return sceneSvg(scene(input));
}

export function distillChartPng(input: DistillChartInput): Uint8Array {
  return scenePng(scene(input));
}
