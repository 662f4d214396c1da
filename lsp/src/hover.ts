// Hovers: on an image (a container's `image:` value, a patch that sets it, an `images:` entry)
// the final image of every environment that renders it, where each value is set, and the
// pending promotion; on a kustomization's path entry, what the entry renders to.
//
// Every answer comes from the engine: `status()` gives each environment's images with the file
// and line that set them, and `render()` gives each rendered resource the file it came from.
// The YAML model only says which entry or container the cursor is on.
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { AppStatus, ImageStatus, RenderedResource } from '@baton/engine';

import { joinPath, parentOf, type Project } from './project.js';
import { containerImageAt, kustomizationOutline, type ImageEntry, type PathEntry } from './yaml-model.js';

/** Limits the lists a hover shows, so a huge overlay stays readable. */
const MAX_LISTED = 40;

export function hover(project: Project, path: string, position: Position): Hover | null {
  const index = project.index(path);
  if (!index) return null;
  const offset = index.offsetAt(position);
  if (project.isKustomization(path)) {
    const outline = kustomizationOutline(index.text);
    const image = outline.images.find((e) => offset >= e.span.start && offset <= e.span.end);
    if (image) {
      const lines = { from: index.positionAt(image.span.start).line + 1, to: index.positionAt(image.span.end).line + 1 };
      return markdown(imagesEntryHover(project, path, lines, image));
    }
    const entry = outline.paths.find((e) => offset >= e.span.start && offset <= e.span.end);
    if (entry && (entry.role === 'resource' || entry.role === 'component')) {
      const text = pathEntryHover(project, path, entry);
      return text === null ? null : markdown(text);
    }
  }
  const line = position.line + 1;
  const found = imagesAt(project, path, { from: line, to: line }, containerImageAt(index.text, offset));
  if (found.length === 0) return null;
  return markdown(found.map((f) => imageTable(f)).join('\n\n---\n\n'));
}

function markdown(value: string): Hover {
  return { contents: { kind: MarkupKind.Markdown, value } };
}

/** One container of one app, and where in the hovered file its image is set. */
interface Found {
  app: AppStatus;
  workload: string;
  container: string;
  /** Environments whose final value is set on the hovered lines. */
  setHere: Set<string>;
}

/**
 * The containers whose image the hovered lines set (by the engine's provenance), plus the one
 * the cursor's `image:` belongs to when the file is where the workload is written (an
 * environment that overrides it still renders it).
 */
function imagesAt(
  project: Project,
  path: string,
  lines: { from: number; to: number },
  container: ReturnType<typeof containerImageAt>,
): Found[] {
  const status = project.status();
  const own = status.apps.filter((a) => path.startsWith(`${a.path}/`));
  const found = new Map<string, Found>();
  const add = (app: AppStatus, workload: string, name: string): Found => {
    const key = `${app.name}\0${workload}\0${name}`;
    let f = found.get(key);
    if (!f) found.set(key, (f = { app, workload, container: name, setHere: new Set() }));
    return f;
  };
  for (const app of own.length > 0 ? own : status.apps) {
    for (const env of app.environments) {
      for (const image of env.images) {
        const source = image.source;
        if (source && source.file === path && source.line >= lines.from && source.line <= lines.to) {
          add(app, image.workload, image.container).setHere.add(env.name);
        }
      }
      if (!container) continue;
      const rendered = project.render(env.path);
      for (const resource of rendered.resources) {
        if (!renders(resource, path, container.kind, container.name)) continue;
        for (const image of resource.images) {
          if (image.container === container.container && image.list === container.list) {
            add(app, `${resource.kind}/${resource.originalName}`, image.container);
          }
        }
      }
    }
  }
  return [...found.values()];
}

function renders(resource: RenderedResource, file: string, kind: string, name: string): boolean {
  return resource.file === file && resource.kind === kind && resource.originalName === name;
}

function imagesEntryHover(project: Project, path: string, lines: { from: number; to: number }, entry: ImageEntry): string {
  const found = imagesAt(project, path, lines, null);
  const title = `**images:** \`${entry.name ?? '(no name)'}\``;
  if (found.length === 0) {
    return `${title}\n\nNo environment's final image comes from this entry: no overlay that uses this kustomization renders a container image named \`${entry.name ?? ''}\`, or a later overlay sets it again.`;
  }
  return `${title}\n\n${found.map((f) => imageTable(f)).join('\n\n---\n\n')}`;
}

/** The per-environment table of one container's image. */
function imageTable(found: Found): string {
  const { app, workload, container } = found;
  const rows: string[] = [];
  let imageName: string | null = null;
  for (const env of app.environments) {
    const image = env.images.find((i) => i.workload === workload && i.container === container);
    if (!image) {
      rows.push(`| ${env.name} | — | ${env.ok ? 'not rendered here' : 'overlay does not render'} |`);
      continue;
    }
    imageName ??= image.name;
    const here = found.setHere.has(env.name);
    rows.push(`| ${env.name}${here ? ' ◀' : ''} | \`${version(image)}\` | ${sourceText(image)} |`);
  }
  const lines = [
    `**${app.name}** · \`${workload}\` · container \`${container}\`${imageName ? ` · \`${imageName}\`` : ''}`,
    '',
    '| environment | image | set in |',
    '| --- | --- | --- |',
    ...rows,
  ];
  if (found.setHere.size > 0) lines.push('', `◀ the final value in ${[...found.setHere].join(', ')} is set here.`);
  const pending = app.pending.flatMap((p) =>
    p.changes.filter((c) => c.workload === workload && c.container === container).map((c) => ({ p, c })),
  );
  if (pending.length > 0) {
    lines.push('', ...pending.map(({ p, c }) => `Pending promotion **${p.from} → ${p.to}**: \`${c.from ?? '(none)'}\` → \`${c.to ?? '(none)'}\``));
  } else if (app.environments.length > 1) {
    lines.push('', 'No pending promotion for this container.');
  }
  return lines.join('\n');
}

function version(image: ImageStatus): string {
  if (image.digest) return `${image.tag ? `${image.tag}@` : ''}${image.digest}`;
  return image.tag ?? image.image;
}

function sourceText(image: ImageStatus): string {
  return image.source ? `\`${image.source.file}:${image.source.line}\`` : 'not set in a file';
}

/** What a `resources:`/`components:` entry renders to, as the kustomization that names it uses it. */
function pathEntryHover(project: Project, kustomization: string, entry: PathEntry): string | null {
  const dir = parentOf(kustomization);
  const target = joinPath(dir, entry.value);
  if (target === null) return null;
  const here = project.render(dir);
  let resources: RenderedResource[];
  let note = '';
  if (project.has(target)) {
    resources = here.resources.filter((r) => r.file === target);
  } else if (project.kustomizationIn(target) !== null) {
    if (entry.role === 'component') {
      // A component is not rendered alone; what it adds carries its own files as provenance.
      resources = here.resources.filter((r) => r.file.startsWith(`${target}/`));
    } else {
      const alone = project.render(target);
      const ids = new Set(alone.resources.map((r) => `${r.file}\0${r.kind}\0${r.originalName}`));
      resources = here.resources.filter((r) => ids.has(`${r.file}\0${r.kind}\0${r.originalName}`));
      if (!here.ok && alone.ok) {
        resources = alone.resources;
        note = `\n\n(as \`${target}\` renders alone: \`${dir || '.'}\` does not render)`;
      }
    }
  } else {
    return null;
  }
  const where = `\`${dir || '.'}\``;
  if (resources.length === 0) {
    return here.ok
      ? `**${entry.value}** adds no resource to ${where}.`
      : `**${entry.value}**: ${where} does not render (see its diagnostics).`;
  }
  const list = resources
    .slice(0, MAX_LISTED)
    .map((r) => `- ${r.kind} \`${r.namespace ? `${r.namespace}/` : ''}${r.name}\``);
  if (resources.length > MAX_LISTED) list.push(`- … and ${resources.length - MAX_LISTED} more`);
  const count = `${resources.length} resource${resources.length === 1 ? '' : 's'}`;
  return `**${entry.value}** renders ${count} in ${where}:\n\n${list.join('\n')}${note}`;
}
