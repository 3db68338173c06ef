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
