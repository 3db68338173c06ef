import type { CliIo } from '@weft/framework';
import { main } from '@weft/server';

export interface WeftResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `weft` CLI in-process from `cwd`, capturing what it prints (as `npx weft ARGS` would). */
export async function runWeft(argv: readonly string[], cwd: string): Promise<WeftResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    stdout: (text) => {
      out.push(text);
    },
    stderr: (text) => {
      err.push(text);
    },
  };
  const code = await main([...argv], io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}
