import type { CalculatorRegistry, CompiledGraph } from '@weft/framework';
import * as framework from '@weft/framework';
import { registerAllBuiltins } from '../bootstrap.js';
import type { GraphLoader } from '../registry/graph-registry.js';

type LoadGraph = (file: string, options: { registry: CalculatorRegistry }) => Promise<CompiledGraph>;

/** `loadGraph` with every built-in calculator registered (the default registry, or a given one). */
export function defaultLoader(registry?: CalculatorRegistry): GraphLoader {
  const calculators = registerAllBuiltins(registry);
  return (file) => {
    // TODO(server): import loadGraph directly once the framework runtime exports it.
    const load = (framework as unknown as { loadGraph?: LoadGraph }).loadGraph;
    if (load === undefined) throw new Error('this build of @weft/framework has no loadGraph');
    return load(file, { registry: calculators });
  };
}
