import { registerBuiltinCalculators } from '@weft/calculators';
import { type CalculatorRegistry, defaultRegistry } from '@weft/framework';
import { registerLlmCalculators } from '@weft/llm';

let done = false;

/** Registers every built-in calculator (general + LLM) into the default registry, once. */
export function registerAllBuiltins(registry: CalculatorRegistry = defaultRegistry): CalculatorRegistry {
  if (registry === defaultRegistry) {
    if (done) return registry;
    done = true;
  }
  registerBuiltinCalculators(registry);
  registerLlmCalculators(registry);
  return registry;
}
