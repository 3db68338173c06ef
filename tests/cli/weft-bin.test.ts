import { spawn } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/models.js';

const bin = join(repoRoot, 'packages', 'server', 'bin', 'weft.js');
const dir = await mkdtemp(join(tmpdir(), 'weft-bin-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the `weft` executable as a shell would; `firstLineOnly` closes stdout after one line, as `| head -1` does. */
function weft(
  exe: string,
  args: string[],
  firstLineOnly = false,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { NODE_OPTIONS: _, ...env } = process.env;
  const child = spawn(exe, args, { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
    if (firstLineOnly && stdout.includes('\n')) child.stdout.destroy();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the weft executable', () => {
  it('runs when started through a node_modules/.bin-style symlink', async () => {
    await symlink(bin, join(dir, 'weft'));
    const r = await weft(join(dir, 'weft'), ['graph', 'draw', '--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^usage: weft graph draw FILE/);
  });

  it('ends quietly with exit 0 when the reader of stdout goes away (| head -1)', async () => {
    await writeFile(
      join(dir, 'echo.yaml'),
      'input_stream: [in]\noutput_stream: [out]\nnodes:\n  - { calculator: PassThroughCalculator, input_stream: in, output_stream: out }\n',
    );
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({ timestamp: i, value: 'x'.repeat(64) }),
    );
    await writeFile(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const r = await weft(bin, ['graph', 'run', 'echo.yaml', '--input', 'in=in.jsonl'], true);
    expect(r.stdout.split('\n')[0]).toBe(`{"stream":"out","timestamp":0,"value":"${'x'.repeat(64)}"}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
