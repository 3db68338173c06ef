import { loadModelInfo } from '../model/load-model-info.js';
import type { ModelInfo } from '../model/model-info.js';
import type { IoNameHints, KvShapeHints } from './model-io.js';

/**
 * What a `ModelSession` needs besides the ONNX file's own metadata: the minimal, structured-clone
 * friendly subset of a `ModelInfo` (so it can also be handed to the engine's worker, or written by
 * hand for a bare ONNX file).
 */
export interface ModelSource {
  readonly onnxPath: string;
  readonly contextLength: number;
  /** Used when the logits shape is symbolic. */
  readonly vocabSize?: number;
  readonly eosTokenIds: readonly number[];
  readonly padTokenId?: number;
  readonly names?: IoNameHints;
  readonly shapes?: KvShapeHints;
}

/** The runtime's view of a loaded model directory. */
export function modelSourceFromInfo(info: ModelInfo): ModelSource {
  const { io } = info;
  return {
    onnxPath: info.onnxFile,
    contextLength: info.contextLength,
    vocabSize: info.vocabSize,
    eosTokenIds: info.eosTokenIds,
    padTokenId: info.padTokenId,
    names: {
      inputIds: io.inputIds,
      attentionMask: io.attentionMask,
      positionIds: io.positionIds,
      logits: io.logits,
      pastNames: io.packedKv ? [io.pastKey] : [io.pastKey, io.pastValue],
      presentNames: io.packedKv ? [io.presentKey] : [io.presentKey, io.presentValue],
    },
    shapes: { kvHeads: info.numKvHeads, headSize: info.headDim },
  };
}

/** A directory (read with `loadModelInfo`), a `ModelInfo`, or a ready `ModelSource`. */
export type ModelRef = string | ModelInfo | ModelSource;

export function resolveModelSource(model: ModelRef, options: { dtype?: string } = {}): ModelSource {
  if (typeof model === 'string') return modelSourceFromInfo(loadModelInfo(model, { dtype: options.dtype }));
  return 'onnxFile' in model ? modelSourceFromInfo(model) : model;
}
