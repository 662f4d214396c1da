// Where the cursor is in a YAML file: which kustomization entry, which container's image.
//
// The engine answers every question about meaning (what renders, where an image comes from,
// what a promotion edits); it does not expose its syntax trees through the package. Finding
// the node under a cursor needs one, so this module reads the file with the `yaml` package
// (the parser of yaml-language-server) under the failsafe schema, where every scalar stays the
// string that was written. Nothing here decides what a file means to kustomize or Flux: the
// positions found here are matched against the engine's own answers (image sources, rendered
// resources, files in the workspace).
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair } from 'yaml';

/** A half-open range of UTF-16 offsets. */
export interface Span {
  start: number;
  end: number;
}

/** The kinds of reference a kustomization makes to other files. */
export type PathRole = 'resource' | 'component' | 'patch' | 'config' | 'generator-file';

/** A file or directory a kustomization names. */
export interface PathEntry {
  /** The field, lower case (`resources`, `patches`, ...). */
  field: string;
  role: PathRole;
  /** The path as written. */
  value: string;
  /** The path's text in the file. */
  span: Span;
}

/** One entry of `images:`. */
export interface ImageEntry {
  /** `name:` as written, or null. */
  name: string | null;
  newName: string | null;
  newTag: string | null;
  digest: string | null;
  /** The whole entry. */
  span: Span;
}

/** One top-level field of a kustomization, with its list items for the outline. */
export interface Field {
  key: string;
  keySpan: Span;
  /** The key and its value. */
  span: Span;
  /** A scalar value as written, or null for collections. */
  scalar: string | null;
  items: FieldItem[];
}

export interface FieldItem {
  /** A label for the item: the path, the image name, the patch's path or target. */
  label: string;
  detail: string | null;
  span: Span;
}

/** What an outline of a kustomization gives the server. */
export interface KustomizationOutline {
  fields: Field[];
  paths: PathEntry[];
  images: ImageEntry[];
}

/** Kustomization file names, as the engine knows them (`core/src/kustomize/kustomization.rs`). */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationPath(path: string): boolean {
  return KUSTOMIZATION_FILE_NAMES.includes(path.slice(path.lastIndexOf('/') + 1));
}

/** YAML files as the engine and Flux's setters pick them (`.yaml`/`.yml`, or `Kustomization`). */
export function isYamlPath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /\.(ya?ml)$/i.test(name) || name === 'Kustomization';
}

/** Fields whose items are paths; kustomize decodes field names case-insensitively. */
const PATH_LISTS: Record<string, PathRole> = {
  resources: 'resource',
  bases: 'resource',
  components: 'component',
  patchesstrategicmerge: 'patch',
  crds: 'config',
  configurations: 'config',
  generators: 'config',
  transformers: 'config',
  validators: 'config',
};

/** Fields whose items are objects with a `path:`. */
const PATH_OBJECTS: Record<string, PathRole> = {
  patches: 'patch',
  patchesjson6902: 'patch',
  replacements: 'config',
};

export function parseDocuments(text: string): Document.Parsed[] {
  return parseAllDocuments(text, { schema: 'failsafe', prettyErrors: false }) as Document.Parsed[];
}

/** The outline of a kustomization file's first document (kustomize reads only one). */
export function kustomizationOutline(text: string): KustomizationOutline {
  const outline: KustomizationOutline = { fields: [], paths: [], images: [] };
  const doc = parseDocuments(text)[0];
  if (!doc || !isMap(doc.contents)) return outline;
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    const key = String(pair.key.value);
    const lower = key.toLowerCase();
    const keySpan = spanOf(pair.key)!;
    const valueSpan = spanOf(pair.value as Node | null, text);
    const field: Field = {
      key,
      keySpan,
      span: { start: keySpan.start, end: valueSpan?.end ?? keySpan.end },
      scalar: isScalar(pair.value) ? String(pair.value.value) : null,
      items: [],
    };
    outline.fields.push(field);
    const items = isSeq(pair.value) ? pair.value.items : [];
    for (const item of items) {
      const itemSpan = spanOf(item as Node, text);
      if (!itemSpan) continue;
      if (lower in PATH_LISTS && isScalar(item)) {
        const value = String(item.value);
        const role = PATH_LISTS[lower]!;
        // An inline patch (a multi-line or flow mapping string) is not a path.
        if (role !== 'patch' || !/[\n{]|: /.test(value)) {
          outline.paths.push({ field: lower, role, value, span: textSpan(text, item, itemSpan) });
        }
        field.items.push({ label: value.split('\n')[0]!, detail: null, span: itemSpan });
      } else if (lower in PATH_OBJECTS && isMap(item)) {
        const path = scalarEntry(item.items, 'path');
        if (path) {
          outline.paths.push({ field: lower, role: PATH_OBJECTS[lower]!, value: path.value, span: path.span });
        }
        const target = targetLabel(item.items);
        field.items.push({
          label: path?.value ?? (target ? `inline patch → ${target}` : 'inline'),
          detail: path && target ? `→ ${target}` : null,
          span: itemSpan,
        });
      } else if (lower === 'images' && isMap(item)) {
        const get = (name: string) => scalarEntry(item.items, name)?.value ?? null;
        const entry: ImageEntry = {
          name: get('name'),
          newName: get('newName'),
          newTag: get('newTag'),
          digest: get('digest'),
          span: itemSpan,
        };
        outline.images.push(entry);
        const to = [entry.newName, entry.newTag && `:${entry.newTag}`, entry.digest && `@${entry.digest}`]
          .filter(Boolean)
          .join('');
        field.items.push({ label: entry.name ?? '(no name)', detail: to || null, span: itemSpan });
      } else if ((lower === 'configmapgenerator' || lower === 'secretgenerator') && isMap(item)) {
        generatorPaths(text, item.items, lower, outline.paths);
        field.items.push({ label: scalarEntry(item.items, 'name')?.value ?? '(no name)', detail: null, span: itemSpan });
      } else if (isMap(item)) {
        const name = scalarEntry(item.items, 'name')?.value ?? scalarEntry(item.items, 'path')?.value;
        field.items.push({ label: name ?? `item ${field.items.length + 1}`, detail: null, span: itemSpan });
      } else if (isScalar(item)) {
        field.items.push({ label: String(item.value).split('\n')[0]!, detail: null, span: itemSpan });
      }
    }
    if (lower === 'openapi' && isMap(pair.value)) {
      const path = scalarEntry(pair.value.items, 'path');
      if (path) outline.paths.push({ field: lower, role: 'config', value: path.value, span: path.span });
    }
  }
  return outline;
}

/** `files:` (`key=path` or `path`), `envs:` and `env:` of a generator. */
function generatorPaths(text: string, pairs: Pair[], field: string, out: PathEntry[]): void {
  for (const pair of pairs) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value).toLowerCase();
    const values = key === 'env' ? [pair.value] : key === 'files' || key === 'envs' ? (isSeq(pair.value) ? pair.value.items : []) : [];
    for (const value of values) {
      if (!isScalar(value)) continue;
      const span = spanOf(value);
      if (!span) continue;
      const written = String(value.value);
      const inner = textSpan(text, value, span);
      // `files:` entries may name the key first: `key=path`.
      const eq = key === 'files' ? written.indexOf('=') : -1;
      const path = eq >= 0 ? written.slice(eq + 1) : written;
      const start = eq >= 0 && inner.end - inner.start === written.length ? inner.start + eq + 1 : inner.start;
      out.push({ field, role: 'generator-file', value: path, span: { start, end: inner.end } });
    }
  }
}

/** `Kind/name` of a patch's `target:`, if it has one. */
function targetLabel(pairs: Pair[]): string | null {
  const target = pairs.find((p) => isScalar(p.key) && String(p.key.value) === 'target');
  if (!target || !isMap(target.value)) return null;
  const kind = scalarEntry(target.value.items, 'kind')?.value;
  const name = scalarEntry(target.value.items, 'name')?.value;
  const selector = scalarEntry(target.value.items, 'labelSelector')?.value;
  if (!kind && !name && !selector) return null;
  return [kind ?? '*', name ? `/${name}` : '', selector ? ` (${selector})` : ''].join('');
}

function scalarEntry(pairs: Pair[], name: string): { value: string; span: Span } | null {
  const pair = pairs.find((p) => isScalar(p.key) && String(p.key.value).toLowerCase() === name.toLowerCase());
  if (!pair || !isScalar(pair.value)) return null;
  const span = spanOf(pair.value);
  if (!span) return null;
  return { value: String(pair.value.value), span };
}

/** A node's span, without the line breaks and spaces a collection's range ends with. */
function spanOf(node: Node | null | undefined, text?: string): Span | null {
  if (!node || !node.range) return null;
  return { start: node.range[0], end: text === undefined ? node.range[1] : trimmedEnd(text, node.range[0], node.range[1]) };
}

function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/** The span of a scalar's text without its quotes. */
function textSpan(text: string, node: Node, span: Span): Span {
  const first = text[span.start];
  if (isScalar(node) && (first === '"' || first === "'") && span.end - span.start >= 2) {
    return { start: span.start + 1, end: span.end - 1 };
  }
  return span;
}

/** A step of a path into a YAML document: a mapping key or a sequence index. */
export type Step = string | number;

/** The document and the path of the innermost node at `offset` (a key counts as its pair). */
export function pathAt(text: string, offset: number): { doc: Document.Parsed; path: Step[] } | null {
  for (const doc of parseDocuments(text)) {
    if (!doc.range || offset < doc.range[0] || offset > doc.range[2]) continue;
    const path: Step[] = [];
    let node: unknown = doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => contains(p.key as Node, offset) || contains(p.value as Node, offset));
        if (!pair || !isScalar(pair.key)) break;
        path.push(String(pair.key.value));
        if (contains(pair.key as Node, offset)) break;
        node = pair.value;
      } else if (isSeq(node)) {
        const index = node.items.findIndex((item) => contains(item as Node, offset));
        if (index < 0) break;
        path.push(index);
        node = node.items[index];
      } else {
        break;
      }
    }
    return { doc, path };
  }
  return null;
}

/** The container whose `image:` the cursor is on, and the workload it belongs to. */
export interface ContainerImage {
  kind: string;
  name: string;
  namespace: string | null;
  /** `containers` or `initContainers`. */
  list: string;
  container: string;
}

export function containerImageAt(text: string, offset: number): ContainerImage | null {
  const found = pathAt(text, offset);
  if (!found) return null;
  const { doc, path } = found;
  const n = path.length;
  if (n < 3 || path[n - 1] !== 'image' || typeof path[n - 2] !== 'number') return null;
  const list = path[n - 3];
  if (list !== 'containers' && list !== 'initContainers') return null;
  const container = doc.getIn([...path.slice(0, n - 1), 'name']);
  const kind = doc.get('kind');
  const name = doc.getIn(['metadata', 'name']);
  const namespace = doc.getIn(['metadata', 'namespace']);
  if (typeof container !== 'string' || typeof kind !== 'string' || typeof name !== 'string') return null;
  return { kind, name, namespace: typeof namespace === 'string' ? namespace : null, list, container };
}

/** The objects of a file: kind, name and namespace of each document, with its span. */
export interface ObjectDoc {
  apiVersion: string | null;
  kind: string;
  name: string | null;
  namespace: string | null;
  span: Span;
  /** The `metadata.name` value, where a definition should land. */
  nameSpan: Span | null;
}

export function objectsOf(text: string): ObjectDoc[] {
  const out: ObjectDoc[] = [];
  for (const doc of parseDocuments(text)) {
    if (!isMap(doc.contents) || !doc.range) continue;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const kind = str(doc.get('kind'));
    if (!kind) continue;
    const nameNode = doc.getIn(['metadata', 'name'], true);
    out.push({
      apiVersion: str(doc.get('apiVersion')),
      kind,
      name: str(doc.getIn(['metadata', 'name'])),
      namespace: str(doc.getIn(['metadata', 'namespace'])),
      span: { start: doc.contents.range?.[0] ?? doc.range[0], end: trimmedEnd(text, doc.range[0], doc.range[1]) },
      nameSpan: isScalar(nameNode) ? spanOf(nameNode) : null,
    });
  }
  return out;
}

function contains(node: Node | null | undefined, offset: number): boolean {
  if (!node || !node.range) return false;
  if (isPair(node)) return false;
  return offset >= node.range[0] && offset <= node.range[1];
}
