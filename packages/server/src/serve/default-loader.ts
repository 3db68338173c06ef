import { type CalculatorRegistry, loadGraph } from '@weft/framework';
import { registerAllBuiltins } from '../bootstrap.js';
import type { GraphLoader } from '../registry/graph-registry.js';

/** `loadGraph` with every built-in calculator registered (the default registry, or a given one). */
export function defaultLoader(registry?: CalculatorRegistry): GraphLoader {
  const calculators = registerAllBuiltins(registry);
  return (file) => loadGraph(file, { registry: calculators });
}
