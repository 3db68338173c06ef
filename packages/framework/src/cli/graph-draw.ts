import type { CalculatorRegistry } from '../calculator/registry.js';
import type { CliIo } from '../graph/graph-api.js';

// PLACEHOLDER: replaced by the real implementation.
export async function graphDraw(_args: string[], io: CliIo, _registry: CalculatorRegistry): Promise<number> {
  io.stderr('weft graph draw: not implemented yet\n');
  return 1;
}
