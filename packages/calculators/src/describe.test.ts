import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readCalculatorDocs } from '../../../docs/generate/calculator-docs.js';
import { exampleOfDescription } from '../../../docs/generate/doc-comment.js';
import { builtinCalculators } from './index.js';

describe('calculator descriptions', () => {
  test("each built-in's description carries the same Example config as its doc comment", async () => {
    const entries = await readCalculatorDocs(
      builtinCalculators,
      fileURLToPath(new URL('.', import.meta.url)),
    );
    for (const { definition, doc } of entries) {
      expect(doc?.example, definition.name).toBeDefined();
      expect(exampleOfDescription(definition.description), definition.name).toBe(doc!.example);
      expect(doc!.example!.startsWith(`- calculator: ${definition.name}\n`), definition.name).toBe(true);
    }
  });

  test('each built-in lives in a kebab-case file named after it', async () => {
    for (const def of builtinCalculators) {
      const file = def.name
        .replace(/Calculator$/, '')
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase();
      const source = await readFile(new URL(`./${file}.ts`, import.meta.url), 'utf8');
      expect(source).toContain(`export const ${def.name} = defineCalculator(`);
    }
  });

  test('options schemas are strict and every option is described', () => {
    for (const def of builtinCalculators) {
      const options = def.options as { additionalProperties?: boolean; properties?: Record<string, any> };
      expect(options.additionalProperties, def.name).toBe(false);
      for (const [name, schema] of Object.entries(options.properties ?? {})) {
        expect(typeof schema.description, `${def.name}.${name}`).toBe('string');
      }
    }
  });
});
