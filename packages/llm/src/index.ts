import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';

/** Every LLM calculator of this package. */
export const llmCalculators: readonly AnyCalculatorDefinition[] = [];

export function registerLlmCalculators(registry: CalculatorRegistry): void {
  registry.register(...llmCalculators);
}
export { generateCommand } from './cli/generate-command.js';
export { modelCommand } from './cli/model-command.js';
