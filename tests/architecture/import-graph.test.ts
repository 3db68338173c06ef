import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';
import { describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

// Type-only imports count: a circle of types still ties the files' changes together.
const importGraph = (dir: string, tsConfig?: string) =>
  madge(dir, {
    fileExtensions: ['ts'],
    ...(tsConfig !== undefined && { tsConfig }),
    excludeRegExp: [/\.test\.ts$/, /\.test-helpers\.ts$/],
  });
const packageGraph = (name: string) =>
  importGraph(join(packages, name, 'src'), join(packages, name, 'tsconfig.json'));

describe('import graphs', () => {
  const framework = packageGraph('framework');

  it.each(['framework', 'calculators', 'onnx', 'llm', 'server'])(
    '@weft/%s has no import circle',
    async (name) => {
      const graph = name === 'framework' ? await framework : await packageGraph(name);
      // Only package subpaths may stay unresolved (npm packages are outside the graph anyway).
      expect(graph.warnings().skipped.filter((file) => file.startsWith('.'))).toEqual([]);
      // The imports were resolved (`.js` specifiers to `.ts` files), so an empty list means something.
      expect(Object.values(graph.obj()).some((deps) => deps.length > 0)).toBe(true);
      expect(graph.circular()).toEqual([]);
    },
  );

  it('lets only the compiled graph reach the framework scheduler: the rest of a run talks to RunHost', async () => {
    const graph = (await framework).obj();
    const importers = Object.keys(graph).filter((file) => graph[file]!.includes('runtime/graph-run.ts'));
    expect(importers).toEqual(['runtime/graph.ts']);
  });

  it('finds a circle of type-only imports between .ts files imported as .js', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-circle-'));
    try {
      await writeFile(join(dir, 'a.ts'), "import type { B } from './b.js';\nexport type A = B[];\n");
      await writeFile(join(dir, 'b.ts'), "import { a } from './c.js';\nexport type B = typeof a;\n");
      await writeFile(join(dir, 'c.ts'), "import type { A } from './a.js';\nexport const a: A = [];\n");
      expect((await importGraph(dir)).circular()).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
