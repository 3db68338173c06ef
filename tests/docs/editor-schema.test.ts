import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedDocs } from '../../docs/generate/generate.js';

// ajv is a dependency of the framework package, not of the repo root: load it from there.
const { Ajv } = createRequire(new URL('../../packages/framework/package.json', import.meta.url))('ajv') as {
  Ajv: new (o: object) => { compile(s: object): ((v: unknown) => boolean) & { errors?: unknown } };
};

const read = (path: string): string => {
  try {
    return readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
  } catch {
    return '';
  }
};

describe('generated docs match the code', async () => {
  const docs = await generatedDocs();

  for (const path of ['docs/schema/graph.schema.json', 'docs/graph-format.md', 'docs/errors.md']) {
    it(`${path} is up to date (run \`pnpm run docs\` when this fails)`, () => {
      expect(read(path) === docs[path], `${path} is stale: run \`pnpm run docs\``).toBe(true);
    });
  }

  it('the editor schema accepts a valid graph and completes options per calculator', () => {
    const schema = JSON.parse(docs['docs/schema/graph.schema.json']!);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const graph = {
      input_stream: ['a'],
      nodes: [{ calculator: 'PassThroughCalculator', input_stream: ['a'], output_stream: ['b'] }],
    };
    expect(validate(graph)).toBe(true);
    const names: string[] = schema.properties.nodes.items.properties.calculator.anyOf[0].enum;
    expect(names).toContain('PassThroughCalculator');
    expect(schema.properties.nodes.items.allOf).toHaveLength(names.length);
    const bad = { nodes: [{ calculator: 'PassThroughCalculator', options: { nope: 1 } }] };
    expect(validate(bad)).toBe(false);
  });
});
