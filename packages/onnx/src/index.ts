import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';
import { OnnxInferenceCalculator } from './onnx-inference-calculator.js';
import { OnnxSessionCalculator, onnxModelType } from './onnx-session-calculator.js';

export { O, OnnxError, type OnnxErrorCode, onnxErrorCodes } from './errors.js';
export type { BatchLayout, BatchOptions } from './session/batch-layout.js';
export {
  BATCH_ROW_BOUNDS,
  OnnxModel,
  type OnnxModelMetrics,
  type OnnxModelOptions,
  type OnnxRunOptions,
} from './session/onnx-model.js';
export type { OnnxValueInfo } from './session/worker-protocol.js';
export { OnnxInferenceCalculator, OnnxSessionCalculator, onnxModelType };

/** Every calculator of this package. */
export const onnxCalculators: readonly AnyCalculatorDefinition[] = [
  OnnxSessionCalculator,
  OnnxInferenceCalculator,
];

export function registerOnnxCalculators(registry: CalculatorRegistry): void {
  registry.register(...onnxCalculators);
}
