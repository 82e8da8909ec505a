/** The `inspect`-style model summary: format, shapes, capabilities, layers and the network diagram. */
import type { ModelSummary } from '../protocol.js';
import { h } from './dom.js';

const shape = (s: readonly number[] | undefined) => (s ? `[${s.join(' × ')}]` : '?');
const count = (n: number) => n.toLocaleString('en-US');

export function summaryView(s: ModelSummary): HTMLElement {
  const caps = Object.entries(s.capabilities).map(([k, v]) => `${k} ${v ? '✓' : '✗'}`).join(' · ');
  const supported = s.methods.filter((m) => m.supported).length;
  const dl = h(
    'dl',
    { class: 'summary-grid' },
    ...[
      ['model', `${s.name} (${s.format})`],
      ['runs on', s.ran],
      ['input', `${shape(s.inputShape)}${s.layout ? ` ${s.layout}` : ''}`],
      ['output', shape(s.outputShape)],
      ['parameters', s.layers.length ? count(s.totalParams) : 'unknown'],
      ['capabilities', caps],
      ['methods', `${supported} of ${s.methods.length} run on this model here`],
      ...(s.limits ? [['limits', s.limits]] : []),
    ].flatMap(([k, v]) => [h('dt', {}, k!), h('dd', {}, v!)]),
  );
  const layers = s.layers.length
    ? h(
        'details',
        {},
        h('summary', {}, `Layers (${s.layers.length})`),
        h(
          'div',
          { class: 'values', style: 'max-height:320px' },
          h(
            'table',
            {},
            h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'layer'), h('th', {}, 'op'), h('th', {}, 'output'), h('th', { class: 'num' }, 'params'))),
            h('tbody', {}, ...s.layers.map((l, i) => h('tr', {}, h('td', { class: 'num' }, String(i + 1)), h('td', {}, l.name), h('td', {}, l.op), h('td', {}, shape(l.outputShape)), h('td', { class: 'num' }, count(l.params))))),
          ),
        ),
      )
    : h('p', { class: 'muted' }, 'No IR graph: the layers are unknown.');
  const diagram = s.diagramSvg ? h('details', {}, h('summary', {}, 'Network diagram'), h('div', { class: 'diagram', role: 'img', 'aria-label': 'network diagram' })) : null;
  if (diagram) (diagram.querySelector('.diagram') as HTMLElement).innerHTML = s.diagramSvg!;
  return h('div', {}, dl, layers, diagram);
}
