import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const TSCONFIG = 'tsconfig.check.json';

/**
 * Scripts run by `node --import tsx` see `@weft/*` through the packages' `dist/` (a build) unless tsx
 * maps them to `src/` with the check tsconfig's `paths`, as vitest does. Re-runs the calling script
 * with that mapping; returns false in the re-run (carry on), or exits with the child's code.
 */
export async function reexecWithSrcPaths(script: string): Promise<void> {
  if (process.env.TSX_TSCONFIG_PATH === TSCONFIG) return;
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(2)], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
  });
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}

/** `weft serve` from source as a child process; resolves with its URL once it printed the listening line. */
export async function spawnServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/server/src/cli/bin.ts', 'serve', ...args],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: TSCONFIG,
        MALLOC_MMAP_THRESHOLD_: '4294967296',
        MALLOC_TRIM_THRESHOLD_: '4294967296',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-200_000);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /^listening on (http:\/\/\S+)\n/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`weft serve exited with ${code}: ${stderr.slice(-2000)}`)));
  });
  return { child, url, exited, stdout: () => stdout, stderr: () => stderr };
}
