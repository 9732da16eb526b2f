// Small DOM and number helpers: text only (never innerHTML with data), so nothing the API returns can run as script.

export function $(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

export function num(value: unknown, digits = 1): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? value.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 })
    : '–';
}

export function time(iso: unknown, withDate = false): string {
  if (typeof iso !== 'string') return '–';
  const d = new Date(iso);
  return withDate
    ? d.toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'short' })
    : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export type Cell = string | number | null | undefined | Node;

/** Fills a table with a header row and body rows; cells are text (or nodes made here). */
export function table(id: string, head: string[], rows: Cell[][], empty = 'none'): void {
  const t = $(id);
  t.replaceChildren();
  const thead = document.createElement('thead');
  const hr = document.createElement('tr');
  for (const h of head) {
    const th = document.createElement('th');
    th.textContent = h;
    hr.append(th);
  }
  thead.append(hr);
  const tbody = document.createElement('tbody');
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = head.length;
    td.className = 'muted';
    td.textContent = empty;
    tr.append(td);
    tbody.append(tr);
  }
  for (const row of rows) {
    const tr = document.createElement('tr');
    row.forEach((cell, i) => {
      const td = document.createElement('td');
      td.dataset.label = head[i] ?? '';
      if (cell instanceof Node) td.append(cell);
      else td.textContent = cell === null || cell === undefined ? '–' : String(cell);
      tr.append(td);
    });
    tbody.append(tr);
  }
  t.append(thead, tbody);
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

export function list(items: string[], className?: string): HTMLElement {
  const ul = el('ul', undefined, className);
  for (const item of items) ul.append(el('li', item));
  return ul;
}

const siPrefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** A count with an SI prefix and its unit, e.g. 1.2e15 → "1.2 P multiply-adds". */
export function si(value: unknown, unit: string): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  let scaled = value;
  let i = 0;
  while (Math.abs(scaled) >= 1000 && i < siPrefixes.length - 1) {
    scaled /= 1000;
    i++;
  }
  return i === 0 ? `${num(scaled, 0)} ${unit}` : `${num(scaled, 1)} ${siPrefixes[i]} ${unit}`;
}

/** An amount with its currency; small amounts (a ticket is worth a fraction of a cent) keep their digits. */
export function money(value: unknown, currency: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const digits = Math.abs(value) >= 100 ? 2 : Math.abs(value) >= 1 ? 4 : 6;
  return `${num(value, digits)} ${typeof currency === 'string' ? currency : ''}`.trim();
}

const reasons: Record<string, string> = {
  malformed: 'malformed (not a ticket)',
  'wrong-opening': 'wrong Merkle opening',
  'unknown-activations': 'unknown activations (batch not logged)',
  duplicate: 'duplicate (accepted before)',
};

/** A proof-ledger reason as people read it: "wrong-weights-root" → "wrong weights root". */
export function reason(name: string): string {
  return reasons[name] ?? name.replace(/-/g, ' ');
}
