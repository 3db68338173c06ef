import type { CalculatorRegistry } from '../calculator/registry.js';
import type { CliIo } from '../graph/graph-api.js';

// PLACEHOLDER: replaced by the real implementation.
export async function graphCheck(_args: string[], io: CliIo, _registry: CalculatorRegistry): Promise<number> {
  io.stderr('weft graph check: not implemented yet\n');
  return 1;
}
