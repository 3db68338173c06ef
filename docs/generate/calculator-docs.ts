import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnyCalculatorDefinition } from '@weft/framework';
import type { CalculatorPageEntry } from './calculators-page.js';
import { readDocComment } from './doc-comment.js';

/**
 * Pairs each definition with the doc comment above `export const <Name> = defineCalculator` in the
 * TypeScript sources under `srcDir` (used to generate docs, so it reads `.ts` files, not `dist`).
 */
export async function readCalculatorDocs(
  definitions: readonly AnyCalculatorDefinition[],
  srcDir: string,
): Promise<CalculatorPageEntry[]> {
  const files = (await readdir(srcDir, { recursive: true }))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  const sources = await Promise.all(files.map((f) => readFile(join(srcDir, f), 'utf8')));
  return definitions.map((definition) => {
    for (const source of sources) {
      const doc = readDocComment(source, definition.name);
      if (doc !== undefined) return { definition, doc };
    }
    return { definition };
  });
}
