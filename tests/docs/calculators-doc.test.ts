import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { builtinCalculators, readCalculatorDocs, renderCalculatorsPage } from '@weft/calculators';
import { CalculatorRegistry } from '@weft/framework';
import { registerAllBuiltins } from '@weft/server';
import { describe, expect, test } from 'vitest';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const readDoc = (path: string) => readFile(root(path), 'utf8').catch(() => '');
const headings = (markdown: string) => new Set([...markdown.matchAll(/^## (\S+)\s*$/gm)].map((m) => m[1]!));

describe('calculator docs', () => {
  test('every built-in calculator has a "## Name" section in calculators.md or llm-calculators.md', async () => {
    const registry = registerAllBuiltins(new CalculatorRegistry());
    const documented = new Set([
      ...headings(await readDoc('docs/calculators.md')),
      ...headings(await readDoc('docs/llm-calculators.md')),
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
    if (process.env.WEFT_UPDATE_DOCS === '1') await writeFile(root('docs/calculators.md'), expected);
    const actual = await readDoc('docs/calculators.md');
    // On failure: WEFT_UPDATE_DOCS=1 npx vitest run tests/docs/calculators-doc.test.ts
    expect(actual).toBe(expected);
  });
});
