import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker on a module next to `base` (`import.meta.url` of the caller), from `dist/*.js` or,
 * when running from source (vitest, tsx), from `src/*.ts`. Node 20 ignores `--import tsx` in a
 * worker's execArgv for the entry file, so source workers start from a tiny bootstrap that registers
 * tsx's ESM hooks and then imports the `.ts` entry.
 */
export function startModuleWorker(base: string, name: string, options: WorkerOptions): Worker {
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), options);
  const target = new URL(`./${name}.ts`, base).href;
  const require = createRequire(base);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, any> };
  const api = pathToFileURL(join(dirname(pkgFile), pkg.exports['./esm/api'].import.default)).href;
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/** How `awaitWorkerMessage` turns a message, a worker error and an early exit into its result. */
export interface WorkerMessageRules<M, T> {
  /** A value resolves, an Error rejects, `undefined` keeps waiting. */
  settle: (message: M) => T | Error | undefined;
  onError: (error: Error) => Error;
  onExit: (code: number) => Error;
}

/**
 * Waits for the worker's first decisive message (typically `ready` or `fatal` after it opened a
 * model), rejecting if the worker errors or exits first; the listeners are detached either way.
 */
export function awaitWorkerMessage<M, T>(worker: Worker, rules: WorkerMessageRules<M, T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const finish = (outcome: T | Error) => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onMessage = (message: M) => {
      const outcome = rules.settle(message);
      if (outcome !== undefined) finish(outcome);
    };
    const onError = (error: Error) => finish(rules.onError(error));
    const onExit = (code: number) => finish(rules.onExit(code));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
