import { ModelBuildError } from '../errors/llm-errors.js';
import type { TinyArch, TinyShape } from './presets.js';
import type { WeightQuant } from './quantized-linear.js';

/** Attention written by the builder: opset-23 `Attention`, or onnxruntime's `GroupQueryAttention`. */
export type BuiltAttention = 'standard' | 'gqa';
/** Directory layout written by the builder. */
export type BuiltLayout = 'optimum' | 'genai';

/**
 * The export flavour of a built model: the same weights written the ways users download them.
 * Every field defaults to the plain Optimum fp32 export.
 */
export interface ModelKind {
  /** `gqa`: `com.microsoft::GroupQueryAttention` with rotary inside the op (llama only). */
  attention: BuiltAttention;
  /** `q4` writes `onnx/model_q4.onnx` (MatMulNBits), `q8` writes `onnx/model_quantized.onnx`. */
  quant: WeightQuant;
  /** `genai`: `genai_config.json` + `model.onnx` at the top level, as onnxruntime-genai's builder. */
  layout: BuiltLayout;
  /** Weights in `<model>.onnx_data` (also forced by the small and bench presets). */
  externalData: boolean;
  /** One graph with a `use_cache_branch` input and an `If` on it (Optimum's `decoder_model_merged`). */
  merged: boolean;
  /**
   * A scalar int64 `num_logits_to_keep` input (transformers' name): the LM head runs on the last
   * that many positions only (0 = all), as recent transformers.js exports have it. Default on for
   * the Optimum layout, off for genai (onnxruntime-genai's builder does not write it).
   */
  logitsToKeep: boolean;
}

export const DEFAULT_MODEL_KIND: ModelKind = {
  attention: 'standard',
  quant: 'none',
  layout: 'optimum',
  externalData: false,
  merged: false,
  logitsToKeep: true,
};

/** `kind` with every unset field at its default (`logitsToKeep` defaults by layout). */
export function withKindDefaults(kind: Partial<ModelKind> = {}): ModelKind {
  return { ...DEFAULT_MODEL_KIND, ...(kind.layout === 'genai' && { logitsToKeep: false }), ...kind };
}

/** Fills defaults and refuses combinations the builder cannot write. */
export function resolveModelKind(arch: TinyArch, shape: TinyShape, kind: Partial<ModelKind> = {}): ModelKind {
  const full = withKindDefaults(kind);
  if (!['standard', 'gqa'].includes(full.attention)) {
    throw new ModelBuildError(`attention ${JSON.stringify(full.attention)} is not one of standard, gqa`);
  }
  if (!['none', 'q4', 'q8'].includes(full.quant)) {
    throw new ModelBuildError(`quant ${JSON.stringify(full.quant)} is not one of none, q4, q8`);
  }
  if (!['optimum', 'genai'].includes(full.layout)) {
    throw new ModelBuildError(`layout ${JSON.stringify(full.layout)} is not one of optimum, genai`);
  }
  if (full.attention === 'gqa') {
    if (arch !== 'llama') {
      throw new ModelBuildError(
        'GroupQueryAttention is written for --arch llama only (rotary inside the op)',
      );
    }
    // onnxruntime's CPU GroupQueryAttention rejects rotary with other head sizes.
    if (shape.headDim % 16 !== 0) {
      throw new ModelBuildError(
        `GroupQueryAttention with rotary needs a head size divisible by 16; this preset has ${shape.headDim} (use --preset tiny or bench)`,
      );
    }
  }
  return full;
}

/** `onnx/model.onnx`, `onnx/model_q4.onnx`, `onnx/decoder_model_merged_quantized.onnx`, or genai's `model.onnx`. */
export function onnxFileName(kind: ModelKind): string {
  if (kind.layout === 'genai') return 'model.onnx';
  const base = kind.merged ? 'decoder_model_merged' : 'model';
  const suffix = kind.quant === 'q4' ? '_q4' : kind.quant === 'q8' ? '_quantized' : '';
  return `onnx/${base}${suffix}.onnx`;
}
