// Just enough Markdown for the pull-request bodies the engine writes: headings, paragraphs,
// pipe tables, bullet lists, fenced code (```diff is colored), `<details><summary>` blocks,
// and inline `code`, **bold** and _emphasis_. Everything is built as DOM nodes from text, so
// nothing in a body can inject HTML.
import { renderDiff } from './diff';

export function renderMarkdown(markdown: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const open: HTMLElement[] = [];
  const parent = (): Node => open.at(-1) ?? out;
  const lines = markdown.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if (line.trim() === '') {
      i++;
    } else if ((m = /^\s*<details>\s*(?:<summary>(.*?)<\/summary>)?\s*$/.exec(line))) {
      const details = element('details');
      const summary = element('summary');
      inline(summary, m[1] ?? 'Details');
      details.append(summary);
      parent().appendChild(details);
      open.push(details);
      i++;
    } else if (/^\s*<\/details>\s*$/.test(line)) {
      open.pop();
      i++;
    } else if ((m = /^```\s*([\w-]*)\s*$/.exec(line))) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      const text = code.join('\n');
      if (m[1] === 'diff') {
        parent().appendChild(renderDiff(text));
      } else {
        const pre = element('pre');
        pre.className = 'code';
        pre.textContent = text;
        parent().appendChild(pre);
      }
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      const heading = element(`h${Math.min(6, m[1].length + 2)}`);
      inline(heading, m[2]);
      parent().appendChild(heading);
      i++;
    } else if (line.trimStart().startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].trimStart().startsWith('|'); i++) rows.push(cells(lines[i]));
      parent().appendChild(table(rows));
    } else if (/^\s*[-*]\s+/.test(line)) {
      const list = element('ul');
      for (; i < lines.length && /^\s*[-*]\s+/.test(lines[i]); i++) {
        const item = element('li');
        inline(item, lines[i].replace(/^\s*[-*]\s+/, ''));
        list.append(item);
      }
      parent().appendChild(list);
    } else {
      const paragraph: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !isBlockStart(lines[i]); i++) paragraph.push(lines[i].trim());
      if (paragraph.length === 0) {
        // A line no rule above took (a stray tag): show it as text.
        paragraph.push(line.trim());
        i++;
      }
      const p = element('p');
      inline(p, paragraph.join(' '));
      parent().appendChild(p);
    }
  }
  return out;
}

function isBlockStart(line: string): boolean {
  return /^(```|#{1,6}\s|\s*\||\s*[-*]\s+|\s*<\/?details>)/.test(line);
}

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function table(rows: string[][]): HTMLTableElement {
  const t = element('table');
  const separator = rows[1]?.every((cell) => /^:?-{3,}:?$/.test(cell));
  let body = rows;
  if (separator) {
    const head = element('thead');
    const tr = element('tr');
    for (const cell of rows[0]) {
      const th = element('th');
      inline(th, cell);
      tr.append(th);
    }
    head.append(tr);
    t.append(head);
    body = rows.slice(2);
  }
  const tbody = element('tbody');
  for (const row of body) {
    const tr = element('tr');
    for (const cell of row) {
      const td = element('td');
      inline(td, cell);
      tr.append(td);
    }
    tbody.append(tr);
  }
  t.append(tbody);
  return t;
}

const INLINE = /`([^`]+)`|\*\*(.+?)\*\*|(?<![\w])_([^_]+)_(?![\w])/g;

function inline(parent: HTMLElement, text: string): void {
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    parent.append(text.slice(last, m.index));
    if (m[1] !== undefined) {
      const code = element('code');
      code.textContent = m[1];
      parent.append(code);
    } else if (m[2] !== undefined) {
      const strong = element('strong');
      inline(strong, m[2]);
      parent.append(strong);
    } else {
      const em = element('em');
      inline(em, m[3]);
      parent.append(em);
    }
    last = m.index + m[0].length;
  }
  parent.append(text.slice(last));
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K): HTMLElementTagNameMap[K];
function element(tag: string): HTMLElement;
function element(tag: string): HTMLElement {
  return document.createElement(tag);
}
