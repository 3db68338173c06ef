import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';
import { DetokenizerCalculator } from './calculators/detokenizer-calculator.js';
import { GrammarConstraintCalculator } from './calculators/grammar-constraint-calculator.js';
import { LlmExecutorCalculator } from './calculators/llm-executor-calculator.js';
import { LlmModelCalculator } from './calculators/llm-model-calculator.js';
import { OpenAiRequestCalculator } from './calculators/openai-request-calculator.js';
import { OpenAiResponseCalculator } from './calculators/openai-response-calculator.js';
import { ResponseStoreCalculator } from './calculators/response-store-calculator.js';
import { SamplerCalculator } from './calculators/sampler-calculator.js';
import { TokenizerCalculator } from './calculators/tokenizer-calculator.js';
import { ToolCallParserCalculator } from './calculators/tool-call-parser-calculator.js';
import { EmbeddingModelCalculator } from './embeddings/embedding-model-calculator.js';
import { EmbeddingsRequestCalculator } from './embeddings/embeddings-request-calculator.js';
import { EmbeddingsResponseCalculator } from './embeddings/embeddings-response-calculator.js';
import { EmbeddingsTokenizerCalculator } from './embeddings/embeddings-tokenizer-calculator.js';

/** Every LLM calculator of this package. */
export const llmCalculators: readonly AnyCalculatorDefinition[] = [
  LlmModelCalculator,
  OpenAiRequestCalculator,
  TokenizerCalculator,
  GrammarConstraintCalculator,
  LlmExecutorCalculator,
  SamplerCalculator,
  DetokenizerCalculator,
  ToolCallParserCalculator,
  OpenAiResponseCalculator,
  ResponseStoreCalculator,
  EmbeddingModelCalculator,
  EmbeddingsRequestCalculator,
  EmbeddingsTokenizerCalculator,
  EmbeddingsResponseCalculator,
];

export function registerLlmCalculators(registry: CalculatorRegistry): void {
  registry.register(...llmCalculators);
}
export * from './builder/create-embedding-model.js';
export * from './builder/create-tiny-model.js';
export * from './builder/ensure-model-dir.js';
export * from './builder/model-kind.js';
export { attr, OnnxGraphBuilder } from './builder/onnx-graph-builder.js';
export * from './builder/presets.js';
export * from './calculators/index.js';
export * from './chat/chat-message.js';
export * from './chat/render-chat.js';
export { generateCommand } from './cli/generate-command.js';
export { modelCommand } from './cli/model-command.js';
export * from './embeddings/index.js';
export {
  Engine,
  type EngineOptions,
  type SubmitOptions,
} from './engine/engine.js';
export {
  EngineClosedError,
  EngineQueueFullError,
  EngineUnavailableError,
  EngineWorkerError,
  SequenceGroupStateError,
} from './engine/engine-errors.js';
export type { EngineMetrics, MetricSum, PrefixCacheMetrics } from './engine/engine-metrics.js';
export type { EngineFailure, EngineStatus } from './engine/engine-status.js';
export type { EngineModelInfo, EngineSampling } from './engine/protocol.js';
export { type EngineStep, type SampledStep, SequenceGroup } from './engine/sequence-group.js';
export * from './errors/llm-error-codes.js';
export * from './errors/llm-errors.js';
export * from './model/embedding-info.js';
export * from './model/inspect-model.js';
export * from './model/load-model-info.js';
export * from './model/model-info.js';
export { checkOnnxHeader, DTYPE_SUFFIXES, onnxLoadError } from './model/onnx-files.js';
export * from './model/optimize-model.js';
export * from './openai/index.js';
export {
  type InputItemList,
  type InputItemsQuery,
  inputItemList,
} from './responses-store/input-items.js';
export * from './responses-store/response-store.js';
export type {
  BatchingOptions,
  BatchingPlan,
  CoupledRowsMode,
  RowAlignment,
} from './runtime/batching-plan.js';
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
export * from './sampling/index.js';
export * from './serving/graph-protocol.js';
export type { StreamDecoder } from './tokenizer/stream-decoder.js';
export * from './tokenizer/tokenizer.js';
