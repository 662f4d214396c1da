/**
 * One engine `Workspace` per GitOps repository, kept in step with the repository through
 * `UrlReaderService.readTree` and its ETag.
 *
 * A read is reused for `checkInterval`; after that the next request asks the reader again with
 * the last ETag. An unchanged tree answers `NotModifiedError` and costs the host one cheap
 * call; a changed tree is applied to the same workspace file by file (`setFile` for what
 * changed, `removeFile` for what is gone), so the engine re-parses and re-renders only what
 * those files feed instead of starting cold. Concurrent requests share one read.
 */
import type { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, isError } from '@backstage/errors';
import { Workspace } from '@baton/engine';

/** A file's content as the engine takes it: text, or bytes when it is not UTF-8. */
type Content = string | Uint8Array;

export interface GitOpsRepositoryOptions {
  /** The URL given to `readTree`. */
  treeUrl: string;
  reader: UrlReaderService;
  logger: LoggerService;
  /** How long a read is used before the ETag is checked again, in milliseconds. */
  checkIntervalMs: number;
  /** Milliseconds since the epoch; `Date.now` unless a test gives another clock. */
  clock?: () => number;
}

/** The state after the last successful read. */
interface Snapshot {
  workspace: Workspace;
  etag: string;
  files: Map<string, Content>;
  /** When the reader last confirmed this ETag (clock milliseconds). */
  checkedAt: number;
}

export class GitOpsRepository {
  readonly #options: GitOpsRepositoryOptions;
  readonly #clock: () => number;
  #snapshot: Snapshot | undefined;
  #reading: Promise<Snapshot> | undefined;

  constructor(options: GitOpsRepositoryOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
  }

  /** The workspace of the repository as of its latest ETag (reads it when due). */
  async workspace(): Promise<Workspace> {
    return (await this.current()).workspace;
  }

  /** The ETag of the tree the workspace holds (reads the repository when due). */
  async etag(): Promise<string> {
    return (await this.current()).etag;
  }

  private async current(): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    if (snapshot && this.#clock() - snapshot.checkedAt < this.#options.checkIntervalMs) {
      return snapshot;
    }
    this.#reading ??= this.read().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }

  private async read(): Promise<Snapshot> {
    const { treeUrl, reader, logger } = this.#options;
    const previous = this.#snapshot;
    const startedAt = this.#clock();
    let tree;
    try {
      tree = await reader.readTree(treeUrl, previous ? { etag: previous.etag } : {});
    } catch (error) {
      if (previous && isError(error) && error.name === 'NotModifiedError') {
        previous.checkedAt = startedAt;
        return previous;
      }
      const reason = isError(error) ? error.message : String(error);
      if (previous) {
        // Serve the last good read rather than fail the portal while the host is unreachable.
        logger.warn(`Cannot read ${treeUrl}, serving ETag ${previous.etag}: ${reason}`);
        return previous;
      }
      throw new ServiceUnavailableError(`Cannot read the GitOps repository ${treeUrl}: ${reason}`);
    }
    const files = await readFiles(await tree.files());
    const snapshot: Snapshot = previous
      ? update(previous, files, tree.etag, startedAt)
      : { workspace: new Workspace(Object.fromEntries(files)), etag: tree.etag, files, checkedAt: startedAt };
    logger.info(`Read ${treeUrl} at ETag ${tree.etag}: ${files.size} files`);
    this.#snapshot = snapshot;
    return snapshot;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Every file of a tree, decoded as the CLI reads a checkout: UTF-8 text, else bytes. */
async function readFiles(
  entries: { path: string; content(): Promise<Buffer> }[],
): Promise<Map<string, Content>> {
  const files = new Map<string, Content>();
  for (const entry of entries) {
    const bytes = await entry.content();
    let content: Content;
    try {
      content = utf8.decode(bytes);
    } catch {
      content = new Uint8Array(bytes);
    }
    files.set(entry.path, content);
  }
  return files;
}

/** Applies a new tree to the previous workspace: only the files that differ are touched. */
function update(
  previous: Snapshot,
  files: Map<string, Content>,
  etag: string,
  checkedAt: number,
): Snapshot {
  const { workspace } = previous;
  for (const path of previous.files.keys()) {
    if (!files.has(path)) workspace.removeFile(path);
  }
  for (const [path, content] of files) {
    const before = previous.files.get(path);
    if (before === undefined || !sameContent(before, content)) workspace.setFile(path, content);
  }
  return { workspace, etag, files, checkedAt };
}

function sameContent(a: Content, b: Content): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
