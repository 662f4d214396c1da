// The engine, off the main thread: an editor keystroke never waits for a render.
// The worker holds one Workspace and answers `{id, op, args}` messages in order.
import init, { Workspace, version } from '@baton/engine/web';
import wasmUrl from '@baton/engine/wasm?url';

import type { Op, Ops, Request, Response } from './protocol';

let workspace: Workspace | undefined;

const handlers: { [K in Op]: (...args: Ops[K]['args']) => Ops[K]['result'] | Promise<Ops[K]['result']> } = {
  async init(files) {
    await init({ module_or_path: wasmUrl });
    workspace?.free();
    workspace = new Workspace(files);
    return { version: version() };
  },
  setFile: (path, text) => ready().setFile(path, text),
  removeFile: (path) => ready().removeFile(path),
  files: () => ready().files(),
  validate: () => ready().validate(),
  render: (dir) => ready().render(dir),
  kustomizationDirs: () => ready().kustomizationDirs(),
  status: () => ready().status(),
  planPromotion: (request) => ready().planPromotion(request),
  diffEnvironments: (request) => ready().diffEnvironments(request),
  imageUpdate: (input) => ready().imageUpdate(input),
  planPreview: (request) => ready().planPreview(request),
  planPreviewCleanup: (request) => ready().planPreviewCleanup(request),
  expandAppSets: (input) => ready().expandAppSets(input),
  deployments: () => ready().deployments(),
  renderDeployment: (request) => ready().renderDeployment(request),
  stats: () => ready().stats(),
  hang(ms) {
    const until = performance.now() + Math.min(Math.max(0, ms), 60_000);
    while (performance.now() < until) {
      // busy: the worker answers nothing meanwhile, as a looping engine would
    }
  },
  crash() {
    setTimeout(() => {
      throw new Error('the worker crashed (on request)');
    });
  },
};

function ready(): Workspace {
  if (!workspace) throw new Error('the engine is not initialized');
  return workspace;
}

self.onmessage = async (event: MessageEvent<Request>) => {
  const { id, op, args } = event.data;
  const started = performance.now();
  let response: Response;
  try {
    const handler = handlers[op] as (...a: unknown[]) => unknown;
    if (!handler) throw new Error(`unknown op '${String(op)}'`);
    const result = await handler(...args);
    response = { id, result, ms: performance.now() - started };
  } catch (e) {
    // A WebAssembly trap (an engine bug: inputs must never cause one) leaves the instance
    // unusable; `fatal` tells the page to start a new worker.
    response = { id, error: e instanceof Error ? e.message : String(e), fatal: e instanceof WebAssembly.RuntimeError };
  }
  self.postMessage(response);
};
