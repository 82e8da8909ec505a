/**
 * Tabular input (a table editor with one number per feature, plus a CSV row to paste) and token
 * input (space-separated tokens from the model's vocabulary, one-hot encoded [seqLength, vocab]).
 */
import type { WireTensor } from '../protocol.js';
import { field, h } from './dom.js';

export class TableInput {
  readonly element: HTMLElement;
  private readonly cells: HTMLInputElement[];
  private readonly csv: HTMLTextAreaElement;
  private readonly status: HTMLElement;

  constructor(
    readonly features: readonly string[],
    samples: readonly { label: string; row: string }[],
    private readonly onChange: () => void,
  ) {
    this.cells = features.map((f) => h('input', { type: 'number', step: 'any', value: '0', 'aria-label': `value of ${f}`, 'data-feature': f }));
    for (const c of this.cells) c.addEventListener('change', () => (this.syncCsv(), this.onChange()));
    this.csv = h('textarea', { rows: 2, spellcheck: 'false' });
    this.csv.addEventListener('change', () => this.fromCsv(this.csv.value) && this.onChange());
    this.status = h('div', { class: 'status', 'aria-live': 'polite' });
    const select = h('select', {}, h('option', { value: '' }, '— choose a sample row —'), ...samples.map((s, i) => h('option', { value: String(i) }, s.label)));
    select.addEventListener('change', () => {
      const s = samples[Number(select.value)];
      if (s && this.fromCsv(s.row)) this.onChange();
    });
    const table = h(
      'table',
      { class: 'feature-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', { class: 'num' }, 'value'))),
      h('tbody', {}, ...features.map((f, i) => h('tr', {}, h('td', {}, f), h('td', { class: 'num' }, this.cells[i]!)))),
    );
    this.element = h(
      'div',
      {},
      samples.length ? field('Sample', select) : null,
      h('div', { class: 'values', style: 'max-height:260px;margin-top:8px' }, table),
      field('CSV row', this.csv, `${features.length} comma-separated numbers, in the table's order`),
      this.status,
    );
    if (samples[0]) {
      select.value = '0';
      this.fromCsv(samples[0].row);
    } else this.syncCsv();
  }

  private syncCsv(): void {
    this.csv.value = this.cells.map((c) => c.value).join(',');
  }

  /** Fill the table from a CSV row; false (and a message) when it does not fit. */
  fromCsv(row: string): boolean {
    const parts = row.trim().split(/[,;\t]/).map((s) => s.trim());
    const values = parts.map(Number);
    if (parts.length !== this.features.length || values.some((v) => !Number.isFinite(v))) {
      this.status.className = 'status error';
      this.status.textContent = `A row needs ${this.features.length} numbers; got ${parts.length} value${parts.length === 1 ? '' : 's'}${values.some((v) => !Number.isFinite(v)) ? ', not all numbers' : ''}.`;
      return false;
    }
    this.status.className = 'status';
    this.status.textContent = '';
    values.forEach((v, i) => (this.cells[i]!.value = String(v)));
    this.syncCsv();
    return true;
  }

  get values(): number[] {
    return this.cells.map((c) => (Number.isFinite(c.valueAsNumber) ? c.valueAsNumber : 0));
  }

  tensor(): { input: WireTensor } {
    return { input: { shape: [1, this.features.length], data: Float32Array.from(this.values) } };
  }
}

export class TokenInput {
  readonly element: HTMLElement;
  private readonly text: HTMLInputElement;
  private readonly status: HTMLElement;

  constructor(
    readonly vocab: readonly string[],
    readonly seqLength: number,
    samples: readonly { label: string; tokens: string }[],
    private readonly onChange: () => void,
  ) {
    this.text = h('input', { type: 'text', spellcheck: 'false', value: samples[0]?.tokens ?? '' });
    this.text.addEventListener('change', () => this.parse() && this.onChange());
    this.status = h('div', { class: 'status', 'aria-live': 'polite' });
    const select = h('select', {}, ...samples.map((s, i) => h('option', { value: String(i) }, `${s.label}: ${s.tokens}`)));
    select.addEventListener('change', () => {
      this.text.value = samples[Number(select.value)]?.tokens ?? '';
      if (this.parse()) this.onChange();
    });
    this.element = h(
      'div',
      {},
      samples.length ? field('Sample', select) : null,
      field('Tokens', this.text, `${seqLength} tokens separated by spaces`),
      h('div', { class: 'tokens-vocab', 'aria-label': 'vocabulary' }, ...vocab.map((v) => h('code', {}, v))),
      this.status,
    );
  }

  get tokens(): string[] {
    return this.text.value.trim().split(/\s+/).filter(Boolean);
  }

  parse(): number[] | undefined {
    const toks = this.tokens;
    const ids = toks.map((t) => this.vocab.indexOf(t));
    const bad = toks.filter((_, i) => ids[i]! < 0);
    let why = '';
    if (bad.length) why = `not in the vocabulary: ${bad.join(', ')}`;
    else if (toks.length !== this.seqLength) why = `need ${this.seqLength} tokens, got ${toks.length}`;
    this.status.className = why ? 'status error' : 'status';
    this.status.textContent = why;
    return why ? undefined : ids;
  }

  tensor(): { input: WireTensor } {
    const ids = this.parse();
    if (!ids) throw new Error(this.status.textContent || 'bad tokens');
    const V = this.vocab.length;
    const data = new Float32Array(this.seqLength * V);
    ids.forEach((k, p) => (data[p * V + k] = 1));
    return { input: { shape: [1, this.seqLength, V], data } };
  }
}
