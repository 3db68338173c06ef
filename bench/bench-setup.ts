/** What every bench shares: glibc malloc settings, the common flags, the bench model, load average. */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureModelDir, optimizeModel } from '../packages/llm/dist/index.js';

export const repo = fileURLToPath(new URL('../', import.meta.url));

// DESIGN.md: large ONNX runs are ~10x faster with these; glibc reads them at process start only, so
// the pnpm scripts set them for the bench process and every side process gets them here.
/**
 * The bench's own arguments. `pnpm bench:x -- --flag` passes the `--` through, and `parseArgs` would
 * then take every flag after it for a positional: drop a leading `--`.
 */
export function benchArgv(): string[] {
  const args = process.argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
}

export const MALLOC = { MALLOC_MMAP_THRESHOLD_: '4294967296', MALLOC_TRIM_THRESHOLD_: '4294967296' };

/** Re-runs this process with `MALLOC` set unless it already is (then returns); exits with the child's status. */
export function rerunWithMalloc(): void {
  if (process.env.MALLOC_MMAP_THRESHOLD_ !== undefined) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...MALLOC },
  });
  process.exit(child.status ?? 1);
}

/** The bench model's attention: opset-23 `Attention`, GroupQueryAttention, or `Attention` with appended KV. */
export type BenchAttention = 'standard' | 'gqa' | 'append';
export const BENCH_ATTENTION: readonly BenchAttention[] = ['standard', 'gqa', 'append'];

/**
 * The model every bench uses unless `--model` is given, built on first use: the `bench` preset
 * llama with opset-23 `Attention`, or (`gqa`) onnxruntime's GroupQueryAttention, which the engine
 * runs with share-buffer KV, or (`append`) the standard one after `weft model optimize
 * --append-kv` (KV outputs of the new positions only; the engine keeps the KV).
 */
export async function ensureBenchModel(attention: BenchAttention = 'standard'): Promise<string> {
  const dir = (suffix: string) => join(repo, '.weft', 'models', `llama-bench-0${suffix}`);
  const spec = (kind: 'standard' | 'gqa') =>
    ({ arch: 'llama', preset: 'bench', seed: 0, kind: { attention: kind } }) as const;
  if (attention === 'gqa') return ensureModelDir(dir('-gqa'), spec('gqa'));
  const standard = await ensureModelDir(dir(''), spec('standard'));
  if (attention === 'standard') return standard;
  const appended = dir('-append');
  if (!existsSync(join(appended, 'onnx', 'model.onnx'))) {
    const tmp = `${appended}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(standard, tmp, { recursive: true });
    await optimizeModel(tmp, { appendKv: true });
    rmSync(appended, { recursive: true, force: true });
    renameSync(tmp, appended);
  }
  return appended;
}

/**
 * The bench model as a user downloads it when `attention` names an optimized one (`append` → the
 * standard export), else undefined: Weft on an optimized model is compared with the bare loop on
 * both. `--model` gives no original (undefined).
 */
export async function originalBenchModel(attention: BenchAttention, model: string | undefined) {
  return attention === 'append' && model === undefined ? ensureBenchModel('standard') : undefined;
}

/** `load average before: 0.4 0.3 0.2`: a burst on the shared machine shows here. */
export function printLoadAverage(when: 'before' | 'after', note = ''): void {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`load average ${when}: ${load}${note}`);
}

/** A side of `side-process.ts` in a child process with the malloc settings, as a bench side. */
export async function forkSide(
  name: string,
  side: 'bare' | 'bare-no-spin' | 'transformers.js',
  model: string,
  threads: number,
  tokens: number,
): Promise<{
  name: string;
  run(c: { prompt: number; streams: number }): Promise<number>;
  close(): Promise<void>;
}> {
  const child = fork(
    join(repo, 'bench', 'side-process.ts'),
    ['--side', side, '--model', model, '--threads', String(threads)],
    {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...MALLOC },
    },
  );
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`${name}: side process exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  await next();
  return {
    name,
    async run(c) {
      const reply = next();
      child.send({ ...c, tokens });
      return (await reply) as number;
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    },
  };
}

/** The URL a child server prints as `listening on http://...`; rejects (with its stderr tail) if it exits first. */
export function listenForUrl(child: ChildProcess, name: string): Promise<string> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  return new Promise((resolveUrl, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)\n/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
}
