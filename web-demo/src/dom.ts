// What the views share: an element with a class and text, and the notes under a status table.
import type { Diagnostic, StatusResult } from '@baton/engine/web';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Notes under an apps × environments table: no apps found, and the status's errors. */
export function statusNotes(status: StatusResult): HTMLElement[] {
  const errors = status.diagnostics.filter((d) => d.severity === 'error');
  return [
    ...(status.apps.length === 0 ? [el('div', 'note', 'No apps found (apps are directories matched by spec.apps, default apps/*).')] : []),
    ...errors.map((d) => el('div', 'note error', `✖ ${d.code} ${d.message}${d.file ? ` (${d.file})` : ''}`)),
  ];
}

/** The cell of an environment an app does not have. */
export function absentCell(td: HTMLTableCellElement, app: string, env: string): HTMLTableCellElement {
  td.classList.add('absent');
  td.append(el('span', 'hint', '—'));
  td.title = `${app} has no ${env} environment`;
  return td;
}

/** A `table.changes` with a header row of `headers`; rows go into the returned tbody. */
export function headedTable(headers: string[]): { table: HTMLTableElement; tbody: HTMLTableSectionElement } {
  const table = el('table', 'changes');
  const head = el('tr');
  for (const h of headers) head.append(el('th', '', h));
  const thead = el('thead');
  thead.append(head);
  const tbody = el('tbody');
  table.append(thead, tbody);
  return { table, tbody };
}

/** A view's section with its heading and a one-line hint. */
export function viewSection(title: string, hint: string, className = 'promo-section'): HTMLElement {
  const section = el('section', className);
  const head = el('div', 'section-head');
  head.append(el('h3', '', title), el('span', 'hint', hint));
  section.append(head);
  return section;
}

/** Diagnostics as a list: `CODE message (file:line)`, coloured by severity. */
export function diagnosticNotes(list: Diagnostic[]): HTMLUListElement {
  const ul = el('ul', 'plan-diagnostics');
  for (const d of list) ul.append(el('li', d.severity, `${d.code} ${d.message}${d.file ? ` (${d.file}${d.range ? `:${d.range.start.line + 1}` : ''})` : ''}`));
  return ul;
}
