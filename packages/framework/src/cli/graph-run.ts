import type { CalculatorRegistry } from '../calculator/registry.js';
import type { CliIo } from '../graph/graph-api.js';

// PLACEHOLDER: replaced by the real implementation.
export async function graphRun(_args: string[], io: CliIo, _registry: CalculatorRegistry): Promise<number> {
  io.stderr('weft graph run: not implemented yet\n');
  return 1;
}
