// Go to definition: from a kustomization's path entry to the file (or the directory's
// kustomization) it names, and from a Flux `$imagepolicy` marker to its ImagePolicy.
import type { Location, Position } from 'vscode-languageserver';

import { START } from './positions.js';
import { joinPath, parentOf, type Project } from './project.js';
import { isYamlPath, kustomizationOutline, objectsOf, type ObjectDoc } from './yaml-model.js';

export function definition(project: Project, path: string, position: Position): Location[] | null {
  const index = project.index(path);
  if (!index) return null;
  if (project.isKustomization(path)) {
    const offset = index.offsetAt(position);
    const entry = kustomizationOutline(index.text).paths.find((e) => offset >= e.span.start && offset <= e.span.end);
    if (entry) {
      const target = joinPath(parentOf(path), entry.value);
      if (target === null) return null;
      if (project.has(target)) return [{ uri: project.uriOf(target), range: START }];
      const kustomization = project.kustomizationIn(target);
      return kustomization === null ? null : [{ uri: project.uriOf(kustomization), range: START }];
    }
  }
  const lineStart = index.offsetAt({ line: position.line, character: 0 });
  const lineEnd = index.offsetAt({ line: position.line, character: Number.MAX_SAFE_INTEGER });
  const marker = imagePolicyMarker(index.text.slice(lineStart, lineEnd));
  if (marker) {
    const found = findImagePolicies(project, marker.namespace, marker.name);
    return found.length > 0 ? found : null;
  }
  return null;
}

/** The policy a setter marker names: `NS:NAME`, optionally with `:tag`, `:name` or `:digest`. */
export interface PolicyRef {
  namespace: string;
  name: string;
}

/**
 * The `$imagepolicy` marker in a line's comment, read as Flux's setters read it
 * (`specs/flux-image-automation.md`: leading `#`s stripped, then exactly one JSON object of
 * strings whose `"$imagepolicy"` key names the setter). A setter without a namespace or with
 * an unknown suffix names no policy.
 */
export function imagePolicyMarker(line: string): PolicyRef | null {
  for (let i = line.indexOf('#'); i >= 0; i = line.indexOf('#', i + 1)) {
    if (i > 0 && line[i - 1] !== ' ' && line[i - 1] !== '\t') continue;
    let rest = line.slice(i);
    while (rest.startsWith('#')) rest = rest.slice(1);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rest);
    } catch {
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
    const values = Object.values(parsed as Record<string, unknown>);
    const setter = (parsed as Record<string, unknown>)['$imagepolicy'];
    if (typeof setter !== 'string' || !values.every((v) => typeof v === 'string')) continue;
    const parts = setter.split(':');
    const [namespace, name, suffix] = parts;
    if (parts.length < 2 || parts.length > 3 || !namespace || !name) return null;
    if (suffix !== undefined && !['tag', 'name', 'digest'].includes(suffix)) return null;
    return { namespace, name };
  }
  return null;
}

const FLUX_IMAGE_API = 'image.toolkit.fluxcd.io/';

/**
 * The ImagePolicy objects named `namespace/name`: first those whose file says so, then those a
 * kustomization places in that namespace (the engine's render gives the final namespace and
 * name, and the file each object came from).
 */
export function findImagePolicies(project: Project, namespace: string, name: string): Location[] {
  const found: Location[] = [];
  const seen = new Set<string>();
  const push = (path: string, matches: (object: ObjectDoc) => boolean) => {
    const index = project.index(path);
    if (!index) return;
    for (const object of objectsOf(index.text)) {
      if (object.kind !== 'ImagePolicy' || !object.apiVersion?.startsWith(FLUX_IMAGE_API) || !matches(object)) continue;
      const span = object.nameSpan ?? object.span;
      const key = `${path}:${span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ uri: project.uriOf(path), range: index.range(span.start, span.end) });
    }
  };
  for (const path of project.paths()) {
    if (!isYamlPath(path)) continue;
    const text = project.text(path);
    if (!text || !text.includes('ImagePolicy')) continue;
    push(path, (o) => o.name === name && o.namespace === namespace);
  }
  if (found.length > 0) return found;
  for (const dir of project.kustomizationDirs()) {
    for (const resource of project.render(dir).resources) {
      if (
        resource.kind === 'ImagePolicy' &&
        resource.apiVersion.startsWith(FLUX_IMAGE_API) &&
        resource.namespace === namespace &&
        resource.name === name
      ) {
        push(resource.file, (o) => o.name === resource.originalName);
      }
    }
  }
  return found;
}
