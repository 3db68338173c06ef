/** What every bench shares: glibc malloc settings, the common flags, the bench model, load average. */
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const repo = fileURLToPath(new URL('../', import.meta.url));

// DESIGN.md: large ONNX runs are ~10x faster with these; glibc reads them at process start only.
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

/** The flags of the decode benches: `--model DIR --threads --tokens --prompt --rounds`. */
export function decodeBenchArgs(defaults: { rounds: number }) {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      threads: { type: 'string', default: '2' },
      tokens: { type: 'string', default: '128' },
      prompt: { type: 'string', default: '32' },
      rounds: { type: 'string', default: String(defaults.rounds) },
    },
  });
  return {
    model: values.model,
    threads: Number(values.threads),
    tokens: Number(values.tokens),
    prompt: Number(values.prompt),
    rounds: Number(values.rounds),
  };
}

/** The model every bench uses unless `--model` is given (built on first use by `ensureModelDir`). */
export const benchModel = {
  dir: join(repo, '.weft', 'models', 'llama-bench-0'),
  spec: { arch: 'llama', preset: 'bench', seed: 0 },
} as const;

/** `load average before: 0.4 0.3 0.2`: a burst on the shared machine shows here. */
export function printLoadAverage(when: 'before' | 'after', note = ''): void {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(`load average ${when}: ${load}${note}`);
}
