import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '@weft/framework';
import type { ConstraintSpec } from './constraint-spec.js';
import type { GrammarEngineOptions } from './grammar-options.js';

/** A grammar that could not be compiled in time, or at all, in the gate's worker. */
export class GrammarCompileError extends Error {
  override readonly name = 'GrammarCompileError';
}

interface Job {
  readonly spec: ConstraintSpec;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Compiles each new grammar first in a worker thread, with a deadline, before the main thread
 * compiles it for real: XGrammar's compile is synchronous WASM, and a hostile schema within every
 * static limit can still take tens of seconds (measured: 600 bounded string properties, 43 s on a
 * loaded machine). Past the deadline the worker is terminated and the request refused; a grammar that
 * passes costs the main thread about what it cost the worker, so at most the deadline, once (then it
 * is cached). The worker also takes XGrammar's aborts (an EBNF it cannot parse kills its WASM
 * instance): it is replaced after any failure. One compile at a time, in arrival order.
 */
export class CompileGate {
  readonly #tokenizerFile: string;
  readonly #options: GrammarEngineOptions;
  readonly #timeoutMs: number;
  readonly #queue: Job[] = [];
  #worker: { readonly worker: Worker; readonly ready: Promise<void> } | undefined;
  #stderr = '';
  #busy = false;
  #nextId = 0;

  constructor(tokenizerFile: string, options: GrammarEngineOptions, timeoutMs: number) {
    this.#tokenizerFile = tokenizerFile;
    this.#options = options;
    this.#timeoutMs = timeoutMs;
  }

  /** Resolves when `spec` compiled in the worker within the deadline. */
  check(spec: ConstraintSpec): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ spec, resolve, reject });
      this.#pump();
    });
  }

  /** Stops the worker (pending checks fail). */
  close(): void {
    for (const job of this.#queue.splice(0))
      job.reject(new GrammarCompileError('the grammar compiler closed'));
    void this.#worker?.worker.terminate();
    this.#worker = undefined;
  }

  #spawn(): { worker: Worker; ready: Promise<void> } {
    const { keepSpecial, ...rest } = this.#options;
    const worker = startModuleWorker(import.meta.url, 'compile-gate-worker', {
      workerData: {
        tokenizerFile: this.#tokenizerFile,
        options: { ...rest, keepSpecial: [...(keepSpecial ?? [])] },
      },
      stderr: true,
    });
    worker.unref();
    // XGrammar prints the reason of an abort ("[FATAL] ...: Unsupported type") on stderr.
    worker.stderr.on('data', (d) => {
      this.#stderr = (this.#stderr + d).slice(-2000);
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onReady = (m: { ready?: boolean }) => {
        if (!m.ready) return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
      worker.once('error', reject);
    });
    ready.catch(() => {});
    return { worker, ready };
  }

  #pump(): void {
    if (this.#busy) return;
    const job = this.#queue.shift();
    if (!job) return;
    this.#busy = true;
    this.#worker ??= this.#spawn();
    const { worker, ready } = this.#worker;
    ready.then(
      () => this.#send(job, worker),
      (error: Error) => {
        this.#worker = undefined;
        job.reject(new GrammarCompileError(`the grammar compiler did not start: ${error.message}`));
        this.#busy = false;
        this.#pump();
      },
    );
  }

  #send(job: Job, worker: Worker): void {
    const id = this.#nextId++;
    this.#stderr = '';
    const done = (error: Error | undefined) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      if (error) {
        // After a timeout or an abort the worker's WASM state is gone: start afresh next time.
        void worker.terminate();
        if (this.#worker?.worker === worker) this.#worker = undefined;
        job.reject(error);
      } else {
        job.resolve();
      }
      this.#busy = false;
      this.#pump();
    };
    const onMessage = (m: { id: number; ok: boolean; message?: string; stderr?: string }) => {
      if (m.id !== id) return;
      const fatal = /\[FATAL\][^:]*:\d+: (.*)/.exec(`${m.stderr ?? ''}\n${this.#stderr}`)?.[1];
      done(m.ok ? undefined : new GrammarCompileError(fatal ?? m.message ?? 'unknown error'));
    };
    const onError = (error: Error) => done(new GrammarCompileError(error.message));
    const timer = setTimeout(
      () => done(new GrammarCompileError(`compiling the grammar took longer than ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage({ id, spec: job.spec });
  }
}
