// The page's side of the worker protocol: each call is a promise of the op's result.
//
// A watchdog keeps the page alive when the engine is not: a call that gets no answer within
// its deadline (the worker hangs), a worker that dies (an uncaught error, a trap, a failed
// load) or a fatal engine error all end the same way. The worker is replaced, every pending
// call fails with `restarted: true`, and `onRestart` tells the page why, so it can load its
// files into the new worker and say so. The files live on the page, never only in the worker.
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
    /** The call failed because the worker was replaced (the watchdog, or a crash). */
    readonly restarted = false,
  ) {
    super(message);
  }
}

export interface EngineOptions {
  /** Milliseconds an op may take before the worker is deemed hung (`init` gets 4×). */
  timeoutMs?: number;
  /** Called after the worker was replaced, with why; the page re-loads its files. */
  onRestart?: (reason: string) => void;
}

interface Waiter {
  op: Op;
  resolve: (r: Timed<unknown>) => void;
  reject: (e: Error) => void;
  timer: number;
}

/** Default deadline of one call: far above any answer of the engine on a real repository. */
export const DEFAULT_TIMEOUT_MS = 10_000;

export class EngineClient {
  private worker!: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Waiter>();
  private timeoutMs: number;
  /** Extra milliseconds for the size of the repository (see `sizeRepository`). */
  private sizeMs = 0;
  private readonly onRestart: (reason: string) => void;
  /** How many times the worker was replaced. */
  restarts = 0;

  constructor(options: EngineOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.onRestart = options.onRestart ?? (() => {});
    this.start();
  }

  /** Replaces the worker (and its wasm instance) with a fresh one; pending calls fail. */
  restart(reason = 'the engine was restarted'): void {
    this.worker.terminate();
    const error = new EngineError(reason, false, true);
    for (const waiter of this.pending.values()) {
      window.clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
    this.restarts++;
    this.start();
  }

  private start(): void {
    this.worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name: 'baton-engine' });
    const worker = this.worker;
    worker.onmessage = (event: MessageEvent<Response>) => {
      const data = event.data;
      const waiter = this.pending.get(data.id);
      if (!waiter) return;
      this.pending.delete(data.id);
      window.clearTimeout(waiter.timer);
      if ('error' in data) {
        waiter.reject(new EngineError(data.error, data.fatal));
        if (data.fatal) this.recover(`the engine crashed (${data.error})`);
      } else {
        waiter.resolve({ result: data.result, ms: data.ms });
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker !== this.worker) return;
      this.recover(`the engine worker failed (${event.message || 'no message'})`);
    };
  }

  /**
   * Gives each call more time for a larger repository (20 ms per KB of text: a 5 MB
   * repository gets 100 s more), so a slow but working engine is not taken for a hung one.
   */
  sizeRepository(textBytes: number): void {
    this.sizeMs = Math.round(textBytes / 50);
  }

  /**
   * The watchdog's answer to a hung or dead worker: a new one, and the page told why. Each
   * restart doubles the deadline (at most 5 minutes), so a repository that truly needs longer
   * than the deadline gets it instead of a restart loop.
   */
  private recover(reason: string): void {
    this.timeoutMs = Math.min(this.timeoutMs * 2, 300_000);
    this.restart(reason);
    this.onRestart(reason);
  }

  call<K extends Op>(op: K, ...args: Ops[K]['args']): Promise<Timed<Ops[K]['result']>> {
    const id = this.nextId++;
    const request: Request<K> = { id, op, args };
    const deadline = (op === 'init' ? this.timeoutMs * 4 : this.timeoutMs) + this.sizeMs;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.recover(`the engine did not answer ${op} within ${(deadline / 1000).toFixed(1)} s`);
      }, deadline);
      this.pending.set(id, { op, resolve: resolve as (r: Timed<unknown>) => void, reject, timer });
      this.worker.postMessage(request);
    });
  }
}
