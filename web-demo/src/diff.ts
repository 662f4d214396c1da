// Unified diffs, colored line by line: file headers, hunk headers, additions, removals and
// context each get a class (`dl-file`, `dl-hunk`, `dl-add`, `dl-del`, `dl-ctx`). Every line
// stays in the DOM as text, so a test (or a person) can read the diff as written.

export function renderDiff(diff: string): HTMLPreElement {
  const pre = document.createElement('pre');
  pre.className = 'diff';
  // A long diff scrolls sideways: keyboard users reach it with Tab and scroll with the arrows.
  pre.tabIndex = 0;
  const text = diff.replace(/\n$/, '');
  if (text === '') {
    pre.classList.add('empty');
    pre.textContent = '(no changes)';
    return pre;
  }
  for (const line of text.split('\n')) {
    const span = document.createElement('span');
    span.className = `dl ${lineKind(line)}`;
    span.textContent = `${line}\n`;
    pre.append(span);
  }
  return pre;
}

function lineKind(line: string): string {
  if (line.startsWith('--- ') || line.startsWith('+++ ')) return 'dl-file';
  if (line.startsWith('@@')) return 'dl-hunk';
  if (line.startsWith('+')) return 'dl-add';
  if (line.startsWith('-')) return 'dl-del';
  if (line.startsWith('\\')) return 'dl-meta';
  return 'dl-ctx';
}
