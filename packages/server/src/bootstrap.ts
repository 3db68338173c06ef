import { registerBuiltinCalculators } from '@weft/calculators';
import { type CalculatorRegistry, defaultRegistry } from '@weft/framework';
import { registerLlmCalculators } from '@weft/llm';
import { registerOnnxCalculators } from '@weft/onnx';

let done = false;

/** Registers every built-in calculator (general + ONNX + LLM) into the default registry, once. */
export function registerAllBuiltins(registry: CalculatorRegistry = defaultRegistry): CalculatorRegistry {
  if (registry === defaultRegistry) {
    if (done) return registry;
    done = true;
  }
  registerBuiltinCalculators(registry);
  registerOnnxCalculators(registry);
  registerLlmCalculators(registry);
  return registry;
}
