import { type CalculatorRegistry, loadGraph } from '@weft/framework';
import { registerAllBuiltins } from '../bootstrap.js';
import type { GraphLoader } from '../registry/graph-registry.js';

/**
 * `loadGraph` with every built-in calculator registered (the default registry, or a given one).
 * A served graph's `calculators:` paths must lie in the graph file's own folder or one of
 * `moduleDirs`: a graph folder is code, but a graph file cannot reach for a module elsewhere.
 */
export function defaultLoader(
  registry?: CalculatorRegistry,
  moduleDirs: readonly string[] = [],
  maxGraphBytes?: number,
): GraphLoader {
  const calculators = registerAllBuiltins(registry);
  return (file) =>
    loadGraph(file, {
      registry: calculators,
      moduleRoots: moduleDirs,
      ...(maxGraphBytes !== undefined && { maxGraphBytes }),
    });
}
