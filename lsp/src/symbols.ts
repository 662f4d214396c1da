// Document symbols: a kustomization's fields with their entries (resources, patches, images,
// generators ...), and for other YAML files one symbol per Kubernetes object.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';

import type { Project } from './project.js';
import type { TextIndex } from './positions.js';
import { kustomizationOutline, objectsOf, type Field } from './yaml-model.js';

const FIELD_KINDS: Record<string, { field: SymbolKind; item: SymbolKind }> = {
  resources: { field: SymbolKind.Module, item: SymbolKind.File },
  bases: { field: SymbolKind.Module, item: SymbolKind.File },
  components: { field: SymbolKind.Module, item: SymbolKind.Package },
  patches: { field: SymbolKind.Array, item: SymbolKind.Event },
  patchesstrategicmerge: { field: SymbolKind.Array, item: SymbolKind.Event },
  patchesjson6902: { field: SymbolKind.Array, item: SymbolKind.Event },
  images: { field: SymbolKind.Array, item: SymbolKind.Constant },
  configmapgenerator: { field: SymbolKind.Array, item: SymbolKind.Struct },
  secretgenerator: { field: SymbolKind.Array, item: SymbolKind.Struct },
};

export function documentSymbols(project: Project, path: string): DocumentSymbol[] {
  const index = project.index(path);
  if (!index) return [];
  if (project.isKustomization(path)) {
    return kustomizationOutline(index.text).fields.map((f) => fieldSymbol(index, f));
  }
  return objectsOf(index.text).map((o) => ({
    name: `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name ?? '(no name)'}`,
    detail: o.apiVersion ?? '',
    kind: SymbolKind.Class,
    range: index.range(o.span.start, o.span.end),
    selectionRange: index.range((o.nameSpan ?? o.span).start, (o.nameSpan ?? o.span).end),
  }));
}

function fieldSymbol(index: TextIndex, field: Field): DocumentSymbol {
  const kinds = FIELD_KINDS[field.key.toLowerCase()];
  const symbol: DocumentSymbol = {
    name: field.key,
    detail: field.scalar ?? (field.items.length > 0 ? `${field.items.length} entr${field.items.length === 1 ? 'y' : 'ies'}` : ''),
    kind: kinds?.field ?? (field.items.length > 0 ? SymbolKind.Array : SymbolKind.Property),
    range: index.range(field.span.start, field.span.end),
    selectionRange: index.range(field.keySpan.start, field.keySpan.end),
  };
  if (field.items.length > 0) {
    symbol.children = field.items.map((item) => {
      const child: DocumentSymbol = {
        name: item.label || '(empty)',
        kind: kinds?.item ?? SymbolKind.Object,
        range: index.range(item.span.start, item.span.end),
        selectionRange: index.range(item.span.start, item.span.end),
      };
      if (item.detail) child.detail = item.detail;
      return child;
    });
  }
  return symbol;
}
