import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(repo, 'packages/server/bin/weft.js');

/**
 * The compiled CLI on plain Node, as `npx weft` runs it: no `--import tsx` anywhere, so loading a
 * `.ts` module listed under `calculators:` relies on the framework registering tsx itself.
 */
async function builtWeft(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing; run \`npx tsc -b\` first`);
  const { NODE_OPTIONS: _, ...env } = process.env;
  try {
    const r = await promisify(execFile)(process.execPath, [cli, ...args], { cwd: repo, env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('built weft CLI on plain node', () => {
  it('graph run loads a .ts calculator module (example 02)', async () => {
    const r = await builtWeft([
      'graph',
      'run',
      'examples/02-custom-calculator/smoothing.yaml',
      '--input',
      'readings=examples/02-custom-calculator/readings.jsonl',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l !== '')).toEqual([
      '{"stream":"smoothed","timestamp":0,"value":2}',
      '{"stream":"smoothed","timestamp":1,"value":3}',
      '{"stream":"smoothed","timestamp":2,"value":4}',
      '{"stream":"smoothed","timestamp":3,"value":6}',
      '{"stream":"smoothed","timestamp":4,"value":8}',
    ]);
  });

  it('graph check accepts graphs whose calculators are .ts files (examples 03, 07)', async () => {
    const r = await builtWeft([
      'graph',
      'check',
      'examples/03-subgraph-and-loops/pedometer.yaml',
      'examples/07-rest-extension/graphs/rule-bot.yaml',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'examples/03-subgraph-and-loops/pedometer.yaml: ok\nexamples/07-rest-extension/graphs/rule-bot.yaml: ok\n',
    );
  });
});
