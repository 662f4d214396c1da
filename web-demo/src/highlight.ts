// A small highlighter for the rendered pane. kustomize's output is regular (block style,
// 2-space indent, one key per line), so a line-by-line pass is enough, and a plain <pre>
// keeps every line in the DOM (no virtual scrolling), which the end-to-end test relies on.

const KEY = /^(\s*)(- )?([^\s#'"][^:#]*|"[^"]*"|'[^']*'):(?=\s|$)(.*)$/;
const ITEM = /^(\s*)- (.*)$/;

/**
 * Highlights kustomize YAML. Lines `image: X` whose value `sourceOf(X)` knows get a
 * `data-source` attribute naming the file the value was set in, and `data-image` holding X.
 */
export function highlightYaml(yaml: string, sourceOf: (image: string) => string | undefined): DocumentFragment {
  const out = document.createDocumentFragment();
  for (const line of yaml.split(/(?<=\n)/)) {
    const element = document.createElement('span');
    element.className = 'line';
    const body = line.replace(/\n$/, '');
    if (body === '---') {
      element.append(token('separator', body));
    } else {
      const key = KEY.exec(body);
      const item = key ? null : ITEM.exec(body);
      if (key) {
        const [, indent, dash, name, rest] = key;
        element.append(indent, ...(dash ? [token('punct', '- ')] : []), token('key', name), token('punct', ':'), value(rest));
        const image = rest.trim();
        const source = name === 'image' ? sourceOf(image) : undefined;
        if (source) {
          element.classList.add('image-line');
          element.dataset.source = source;
          element.dataset.image = image;
          element.title = `set in ${source} (click to open)`;
        }
      } else if (item) {
        element.append(item[1], token('punct', '- '), value(item[2]));
      } else {
        element.append(value(body));
      }
    }
    element.append('\n');
    out.append(element);
  }
  return out;
}

function value(text: string): Node {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '|' || trimmed === '|-' || trimmed === '>' || trimmed === '>-') return document.createTextNode(text);
  if (/^["']/.test(trimmed)) return token('string', text);
  if (/^(-?\d+(\.\d+)?|true|false|null|~)$/.test(trimmed)) return token('number', text);
  if (/^[{[]/.test(trimmed)) return token('punct', text);
  return token('value', text);
}

function token(kind: string, text: string): HTMLSpanElement {
  const span = document.createElement('span');
  span.className = `tok-${kind}`;
  span.textContent = text;
  return span;
}
