// Engine diagnostics as LSP diagnostics, published per file, and cleared when fixed.
//
// The engine's `validate` returns the whole repository's diagnostics (served from its caches
// except for what the last edit touched). The publisher compares them, file by file, with
// what it published last, and sends only files whose diagnostics changed, an empty list for
// files that no longer have any, and always the files just edited (a client expects an answer
// to each version it sent).
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Diagnostic } from '@baton/engine';

import { START } from './positions.js';

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** One engine diagnostic for the editor; `uriOf` maps repository paths to URIs. */
export function toLsp(d: Diagnostic, uriOf: (path: string) => string): LspDiagnostic {
  const related: DiagnosticRelatedInformation[] = d.related
    .filter((r) => r.file)
    .map((r) => ({ location: { uri: uriOf(r.file), range: r.range ?? START }, message: r.message }));
  const out: LspDiagnostic = {
    range: d.range ?? START,
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'baton',
    message: d.help ? `${d.message}\nhelp: ${d.help}` : d.message,
  };
  if (related.length > 0) out.relatedInformation = related;
  return out;
}

/** What to send: per file URI, its diagnostics (empty to clear). */
export type Publication = Map<string, LspDiagnostic[]>;

/** Remembers what each file last received, to send only what changed. */
export class DiagnosticsTracker {
  /** URI → the JSON of the diagnostics last published (files with none are absent). */
  private readonly published = new Map<string, string>();

  /**
   * The publications that bring the editor from what it has to `diagnostics`. `always` lists
   * URIs to publish even when unchanged; `scope` limits clearing to URIs it accepts (one
   * folder of a multi-root workspace).
   */
  update(
    diagnostics: Diagnostic[],
    uriOf: (path: string) => string,
    always: Iterable<string>,
    scope: (uri: string) => boolean,
  ): { publish: Publication; unplaced: Diagnostic[] } {
    const byUri: Publication = new Map();
    const unplaced: Diagnostic[] = [];
    for (const d of diagnostics) {
      if (!d.file) {
        unplaced.push(d);
        continue;
      }
      const uri = uriOf(d.file);
      let list = byUri.get(uri);
      if (!list) byUri.set(uri, (list = []));
      list.push(toLsp(d, uriOf));
    }
    const publish: Publication = new Map();
    for (const [uri, list] of byUri) {
      const json = JSON.stringify(list);
      if (this.published.get(uri) !== json) {
        publish.set(uri, list);
        this.published.set(uri, json);
      }
    }
    for (const uri of [...this.published.keys()]) {
      if (scope(uri) && !byUri.has(uri)) {
        publish.set(uri, []);
        this.published.delete(uri);
      }
    }
    for (const uri of always) {
      if (!publish.has(uri)) publish.set(uri, byUri.get(uri) ?? []);
    }
    return { publish, unplaced };
  }

  /** URIs that currently have diagnostics. */
  files(): string[] {
    return [...this.published.keys()];
  }

  /** Forgets a folder's files (the folder was removed); returns the URIs to clear. */
  forget(scope: (uri: string) => boolean): string[] {
    const gone = [...this.published.keys()].filter(scope);
    for (const uri of gone) this.published.delete(uri);
    return gone;
  }
}
