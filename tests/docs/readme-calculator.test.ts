import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalculatorRegistry, loadGraph } from '@weft/framework';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/models.js';

const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## A calculator in 15 lines\n'));
const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
const dir = await mkdtemp(join(tmpdir(), 'weft-readme-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('README: a calculator in 15 lines', () => {
  it('is 15 lines, formatted and linted as this repository requires (biome)', () => {
    expect(code.slice(code.indexOf('export const')).trimEnd().split('\n').length).toBeLessThanOrEqual(15);
    const formatted = execFileSync(
      join(repoRoot, 'node_modules', '.bin', 'biome'),
      ['check', '--write', '--stdin-file-path=upper-case.ts'],
      { cwd: repoRoot, input: code, encoding: 'utf8' },
    );
    expect(formatted).toBe(code);
  });

  it('loads from a graph as the text says, `calculators: [./upper-case.js]`, and runs', async () => {
    await writeFile(join(dir, 'upper-case.ts'), code);
    const graphFile = join(dir, 'shout.yaml');
    await writeFile(
      graphFile,
      [
        'calculators: [./upper-case.js]',
        'input_stream: [in]',
        'output_stream: [out]',
        'nodes:',
        '  - { calculator: UpperCaseCalculator, input_stream: TEXT:in, output_stream: TEXT:out, options: { exclaim: true } }',
        '',
      ].join('\n'),
    );
    const graph = await loadGraph(graphFile, { registry: new CalculatorRegistry() });
    const run = graph.start();
    await run.addPacket('in', 'hi', 0);
    run.closeAllInputs();
    const out: string[] = [];
    for await (const p of run.output<string>('out')) out.push(p.value);
    await run.done();
    await graph.dispose();
    expect(out).toEqual(['HI!']);
  });
});
