import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtinCalculators } from '@weft/calculators';
import { type AnyCalculatorDefinition, CalculatorRegistry, loadGraphFromString } from '@weft/framework';
import { registerAllBuiltins } from '@weft/server';
import { describe, expect, test } from 'vitest';
import { readCalculatorDocs } from '../../docs/generate/calculator-docs.js';
import { renderCalculatorsPage } from '../../docs/generate/calculators-page.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const readDoc = (path: string) => readFile(root(path), 'utf8').catch(() => '');
/** Biome pads markdown table cells; compare tables cell by cell, ignoring the padding. */
const unpadTables = (markdown: string) =>
  markdown
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) => cell.trim().replace(/^-{3,}$/, '---'))
            .join('|')
        : line,
    )
    .join('\n');
const headings = (markdown: string) => new Set([...markdown.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]!));

describe('calculator docs', () => {
  test('every built-in calculator has a "## Name" section in calculators.md, onnx-calculators.md, llm-calculators.md or embeddings.md', async () => {
    const registry = registerAllBuiltins(new CalculatorRegistry());
    const documented = new Set([
      ...headings(await readDoc('docs/calculators.md')),
      ...headings(await readDoc('docs/onnx-calculators.md')),
      ...headings(await readDoc('docs/llm-calculators.md')),
      ...headings(await readDoc('docs/embeddings.md')),
    ]);
    const names = registry.names();
    expect(names).toContain('PassThroughCalculator');
    expect(names.filter((name) => !documented.has(name))).toEqual([]);
  });

  test('docs/calculators.md documents exactly the general calculators', async () => {
    const sections = [...headings(await readDoc('docs/calculators.md'))].filter((h) =>
      h.endsWith('Calculator'),
    );
    expect(sections).toEqual(builtinCalculators.map((d) => d.name));
  });

  test('docs/calculators.md is generated from the current contracts and doc comments', async () => {
    const entries = await readCalculatorDocs(builtinCalculators, root('packages/calculators/src'));
    const missing = entries.filter((e) => e.doc?.example === undefined).map((e) => e.definition.name);
    expect(missing, 'calculators without a doc comment holding an Example config').toEqual([]);
    const expected = renderCalculatorsPage(entries);
    const actual = await readDoc('docs/calculators.md');
    expect(unpadTables(actual), 'docs/calculators.md is out of date: run `pnpm run docs`').toBe(
      unpadTables(expected),
    );
  });
});

/** The fenced blocks of one `## heading` section, in order. */
function blocksOf(markdown: string, heading: string): { lang: string; body: string }[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = markdown.indexOf('\n## ', start + 4);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

describe('calculator-api.md', () => {
  test('the custom calculator is 15 lines and works as the graph next to it says', async () => {
    const doc = await readDoc('docs/calculator-api.md');
    const [code, graphYaml] = blocksOf(doc, 'A custom calculator in 15 lines');
    expect(code?.lang).toBe('ts');
    const definition = code!.body.slice(code!.body.indexOf('export const'));
    expect(definition.trimEnd().split('\n').length).toBeLessThanOrEqual(15);

    const dir = await mkdtemp(join(tmpdir(), 'weft-doc-'));
    try {
      await writeFile(join(dir, 'scale-calculator.ts'), code!.body);
      const mod = (await import(pathToFileURL(join(dir, 'scale-calculator.ts')).href)) as Record<
        string,
        AnyCalculatorDefinition
      >;
      const registry = new CalculatorRegistry().register(mod.ScaleCalculator!);
      // The module is registered directly here; the graph's `calculators:` line is for users.
      const yaml = graphYaml!.body.replace(/^calculators:.*\n/m, '');
      const graph = await loadGraphFromString(yaml, { file: 'doc.yaml', registry });
      const run = graph.start();
      await run.addPacket('numbers', 1, 0);
      await run.addPacket('numbers', 2, 5);
      run.closeAllInputs();
      const out: string[] = [];
      for await (const p of run.output<number>('scaled')) out.push(`${p.timestamp}:${p.value}`);
      expect(out).toEqual(['0:10', '5:20']);
      await run.done();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('covers every topic the calculator API page promises', async () => {
    const doc = await readDoc('docs/calculator-api.md');
    const sections = [...doc.matchAll(/^##+ (.+)$/gm)].map((m) => m[1]);
    expect(sections).toEqual(
      expect.arrayContaining([
        'Lifecycle',
        'The contract',
        'Timestamps and bounds',
        'Input stream handlers',
        'Back edges and loops',
        'Side packets',
        'Graph-scoped nodes: sharing expensive things',
        'Sources and `Stop`',
        'Testing a calculator: CalculatorRunner',
      ]),
    );
  });
});
