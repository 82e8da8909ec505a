/** A small DOM builder: h('button', { class: 'x', onclick }, 'text', child). */
type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v as EventListener);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function clear(el: Element, ...children: (Node | string)[]): void {
  el.replaceChildren(...children);
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};

let uid = 0;
/** A page-unique id for label/for pairs. */
export const nextId = (prefix: string): string => `${prefix}-${++uid}`;

/** A labelled control: <label for>…</label> + the control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || nextId('f');
  control.id = id;
  const wrap = h('div', {}, h('label', { for: id }, label), control);
  if (hint) {
    const hid = nextId('hint');
    control.setAttribute('aria-describedby', hid);
    wrap.append(h('div', { class: 'muted small', id: hid }, hint));
  }
  return wrap;
}

/** Save bytes or text as a file. */
export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = h('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const tip = (): HTMLElement => byId('tooltip');
export function showTip(text: string, x: number, y: number): void {
  const t = tip();
  t.textContent = text;
  t.hidden = false;
  t.style.left = `${x + 14}px`;
  t.style.top = `${y + 14}px`;
}
export function hideTip(): void {
  tip().hidden = true;
}
