/** The prediction card: the top class and every class's probability (softmax of the outputs unless they already are probabilities). */
import { h } from './dom.js';

export function probabilities(logits: readonly number[]): number[] {
  const isProb = logits.every((v) => v >= 0 && v <= 1) && Math.abs(logits.reduce((a, b) => a + b, 0) - 1) < 1e-3;
  if (isProb) return [...logits];
  const m = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function predictionView(logits: readonly number[], classes: readonly string[]): HTMLElement {
  const p = probabilities(logits);
  const order = p.map((_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const top = order[0]!;
  const name = (i: number) => classes[i] ?? `class ${i}`;
  const shown = order.slice(0, 10);
  return h(
    'div',
    { 'data-prediction': JSON.stringify({ logits, probabilities: p, top }) },
    h('p', { class: 'headline' }, 'The model says ', h('strong', {}, name(top)), ` (${(p[top]! * 100).toFixed(1)} %)`),
    h(
      'div',
      { class: 'probs', role: 'table', 'aria-label': 'class probabilities' },
      ...shown.flatMap((i) => {
        const cls = i === top ? 'top' : '';
        return [
          h('div', { class: cls, role: 'cell' }, name(i)),
          h('div', { class: `${cls}`, role: 'cell', title: `logit ${logits[i]!.toFixed(4)}` }, h('div', { class: 'bar' }, h('span', { style: `width:${(p[i]! * 100).toFixed(2)}%` }))),
          h('div', { class: `${cls} num`, role: 'cell', style: 'text-align:right;font-variant-numeric:tabular-nums' }, `${(p[i]! * 100).toFixed(1)} %`),
        ];
      }),
    ),
    order.length > shown.length ? h('p', { class: 'muted small' }, `${order.length - shown.length} more classes not shown.`) : null,
  );
}
