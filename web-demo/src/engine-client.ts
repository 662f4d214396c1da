// The page's side of the worker protocol: each call is a promise of the op's result.
import type { Op, Ops, Request, Response } from './protocol';

export interface Timed<T> {
  result: T;
  /** How long the engine took inside the worker, in milliseconds. */
  ms: number;
}

/** An error from the engine; `fatal` when the worker's instance trapped and must be replaced. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

export class EngineClient {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Timed<unknown>) => void; reject: (e: Error) => void }>();

  constructor() {
    this.start();
  }

  /** Replaces the worker (and its wasm instance) with a fresh one; pending calls fail. */
  restart(): void {
    this.worker.terminate();
    const error = new EngineError('the engine was restarted', false);
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'baton-engine' });
    this.worker.onmessage = (event: MessageEvent<Response>) => {
      const data = event.data;
      const waiter = this.pending.get(data.id);
      if (!waiter) return;
      this.pending.delete(data.id);
      if ('error' in data) waiter.reject(new EngineError(data.error, data.fatal));
      else waiter.resolve({ result: data.result, ms: data.ms });
    };
    this.worker.onerror = (event) => {
      const error = new Error(`engine worker failed: ${event.message}`);
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
  }

  call<K extends Op>(op: K, ...args: Ops[K]['args']): Promise<Timed<Ops[K]['result']>> {
    const id = this.nextId++;
    const request: Request<K> = { id, op, args };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Timed<unknown>) => void, reject });
      this.worker.postMessage(request);
    });
  }
}
