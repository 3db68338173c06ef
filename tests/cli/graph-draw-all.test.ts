import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CalculatorRegistry, formatProblem, renderGraph, validateGraphFile } from '@weft/framework';
import { registerAllBuiltins } from '@weft/server';
import { describe, expect, it } from 'vitest';
import { xmlProblem } from '../../packages/framework/src/render/xml-check.test-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function yamlFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const files = [...yamlFiles(join(root, 'graphs')), ...yamlFiles(join(root, 'examples'))].sort();

describe('every graph in graphs/ and examples/ validates and draws', () => {
  it('finds the graphs', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s', async (_name, file) => {
    const registry = registerAllBuiltins(new CalculatorRegistry());
    const result = await validateGraphFile(file, { registry });
    expect(result.problems.map(formatProblem)).toEqual([]);
    const graph = result.graph!;
    expect(renderGraph(graph, 'mermaid')).toMatch(/^flowchart TD\n/);
    expect(renderGraph(graph, 'dot')).toMatch(/^digraph /);
    const svg = renderGraph(graph, 'svg');
    expect(xmlProblem(svg)).toBeUndefined();
    expect(svg.match(/<rect class="node"/g)?.length ?? 0).toBe(graph.nodes.length);
  });
});
