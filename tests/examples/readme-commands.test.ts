import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/models.js';
import { runWeft } from './run-weft.js';

const examplesDir = join(repoRoot, 'examples');
const examples = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && /^\d\d-/.test(d.name))
  .map((d) => d.name)
  .sort();

/** Every file under `dir`, relative to it (node_modules skipped). */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
    d.name === 'node_modules'
      ? []
      : d.isDirectory()
        ? files(dir, join(prefix, d.name))
        : [join(prefix, d.name)],
  );
}

interface ShownCommand {
  readonly argv: string[];
  readonly output: string;
}

/**
 * `weft graph check|run` commands in a README's ```sh blocks that are followed by a plain ``` block
 * (their output). Only these are replayed: their output is deterministic and needs no server.
 */
function shownCommands(readme: string): ShownCommand[] {
  const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2]! }));
  const shown: ShownCommand[] = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    if (block.lang !== 'sh' || next === undefined || next.lang !== '') return;
    const command = block.body.replace(/\\\n\s*/g, ' ').trim();
    const m = /^npx weft (graph (?:check|run) .*)$/.exec(command);
    if (m === null || command.includes('/tmp/')) return;
    shown.push({ argv: m[1]!.split(/\s+/), output: next.body });
  });
  return shown;
}

/**
 * Output lines grouped by stream, in order within each stream. How two output streams interleave is
 * the scheduler's choice (the READMEs say so), so only the order within a stream is compared.
 */
function byStream(stdout: string): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const line of stdout.split('\n').filter((l) => l !== '')) {
    const stream = line.startsWith('{') ? String((JSON.parse(line) as { stream: unknown }).stream) : '(text)';
    groups[stream] = [...(groups[stream] ?? []), line];
  }
  return groups;
}

describe('examples', () => {
  it('are numbered 01 to 07', () => {
    expect(examples).toEqual([
      '01-hello-graph',
      '02-custom-calculator',
      '03-subgraph-and-loops',
      '04-generate',
      '05-serve-openai',
      '06-custom-llm-pipeline',
      '07-rest-extension',
    ]);
  });

  it.each(examples)('%s has a README with commands and a test the suite runs', (example) => {
    const all = files(join(examplesDir, example));
    expect(all).toContain('README.md');
    expect(all.filter((f) => f.endsWith('.test.ts')).length).toBeGreaterThan(0);
    expect(readFileSync(join(examplesDir, example, 'README.md'), 'utf8')).toMatch(/```sh\n/);
  });

  const replayed = examples.flatMap((example) =>
    shownCommands(readFileSync(join(examplesDir, example, 'README.md'), 'utf8')).map(
      (c) => [`${example}: weft ${c.argv.join(' ')}`, c] as const,
    ),
  );

  it('README commands to replay were found', () => {
    expect(replayed.length).toBeGreaterThanOrEqual(4);
  });

  it.each(replayed)('%s prints what its README shows', async (_, { argv, output }) => {
    const r = await runWeft(argv, repoRoot);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(byStream(r.stdout)).toEqual(byStream(output));
  });
});
