import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';

/** Every LLM calculator of this package. */
export const llmCalculators: readonly AnyCalculatorDefinition[] = [];

export function registerLlmCalculators(registry: CalculatorRegistry): void {
  registry.register(...llmCalculators);
}
export * from './builder/create-tiny-model.js';
export * from './builder/ensure-model-dir.js';
export * from './builder/presets.js';
export { generateCommand } from './cli/generate-command.js';
export { modelCommand } from './cli/model-command.js';
export * from './errors/llm-error-codes.js';
export * from './errors/llm-errors.js';
export * from './model/load-model-info.js';
export * from './model/model-info.js';
export { checkOnnxHeader, DTYPE_SUFFIXES, onnxLoadError } from './model/onnx-files.js';
