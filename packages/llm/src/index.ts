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
export {
  Engine,
  type EngineOptions,
  type SubmitOptions,
} from './engine/engine.js';
export {
  EngineClosedError,
  EngineQueueFullError,
  EngineWorkerError,
  SequenceGroupStateError,
} from './engine/engine-errors.js';
export type { EngineMetrics, MetricSum } from './engine/engine-metrics.js';
export type { EngineModelInfo } from './engine/protocol.js';
export { type EngineStep, SequenceGroup } from './engine/sequence-group.js';
export * from './errors/llm-error-codes.js';
export * from './errors/llm-errors.js';
export * from './model/load-model-info.js';
export * from './model/model-info.js';
export { checkOnnxHeader, DTYPE_SUFFIXES, onnxLoadError } from './model/onnx-files.js';
export {
  type GenerateFinishReason,
  type GenerateModel,
  type GenerateOptions,
  type GenerateResult,
  generate,
  type TextCodec,
} from './runtime/generate.js';
export type { FloatDtype, IdDtype, KvBinding, ModelIo } from './runtime/model-io.js';
export { ModelSession, type ModelSessionOptions } from './runtime/model-session.js';
export {
  type ModelRef,
  type ModelSource,
  modelSourceFromInfo,
  resolveModelSource,
} from './runtime/model-source.js';
export {
  ContextLengthExceededError,
  InvalidGenerateArgumentError,
  LlmRuntimeError,
  TokenIdOutOfRangeError,
  UnsupportedModelError,
} from './runtime/runtime-errors.js';
export { type BatchRowRef, SequenceBatch } from './runtime/sequence-batch.js';
export type { StreamDecoder } from './tokenizer/stream-decoder.js';
export * from './tokenizer/tokenizer.js';
