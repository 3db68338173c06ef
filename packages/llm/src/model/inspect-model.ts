import type { BatchingOptions, RowAlignment } from '../runtime/batching-plan.js';
import { ModelSession } from '../runtime/model-session.js';
import { type LoadModelInfoOptions, loadModelInfo } from './load-model-info.js';

/** What `weft model inspect` prints. */
export interface ModelReport {
  dir: string;
  layout: string;
  modelType: string;
  architecture: string | null;
  /** The ONNX file the engine runs (chosen by dtype, or named by genai_config.json). */
  onnxFile: string;
  dtype: string;
  availableDtypes: string[];
  externalDataFiles: string[];
  vocabSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headSize: number;
  /** Element type of the past KV inputs, read from the session (e.g. float32, float16). */
  kvDtype: string;
  /** Element type of `input_ids` (int64 for Optimum, often int32 for genai). */
  inputIdsDtype: string;
  contextLength: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
  padTokenId: number | null;
  chatTemplate: boolean;
  chatTemplateSource: string | null;
  /** Attention operators in the graph, e.g. `Attention`, `com.microsoft::GroupQueryAttention`. */
  attention: string[];
  /** How the engine lays rows out in a batch (`right` for GroupQueryAttention). */
  rowAlignment: RowAlignment;
  /** Operators whose numerics couple rows (e.g. `DynamicQuantizeLinear`); empty when rows are independent. */
  rowCouplingOps: string[];
  /** `batched`: rows share session runs; `per-row`: one run per row (coupled model); `coupled`: rows share runs and influence each other. */
  batchInvariance: 'batched' | 'per-row' | 'coupled';
  /** Past and present KV passed as one buffer written in place. */
  shareBuffer: boolean;
  /** KV outputs hold new positions only (`weft model optimize --append-kv`); the engine appends them. */
  appendKv: boolean;
  /** A merged decoder (`use_cache_branch` input). */
  mergedDecoder: boolean;
  /**
   * The input that limits logits to the last positions (`num_logits_to_keep`), so a prefill pays
   * the LM head for the last position only; null when the model computes every position's
   * (`weft model optimize` adds it).
   */
  logitsToKeep: string | null;
}

export interface InspectOptions extends LoadModelInfoOptions {
  /** The engine's batching options, so the report shows what an engine started with them does. */
  batching?: BatchingOptions;
}

/**
 * Reads the directory and opens the chosen ONNX file exactly as the engine does (same session
 * code, same checks), so a model inspect accepts is a model the engine runs, and reports the
 * tensor types and batching plan the engine will use.
 */
export async function inspectModel(dir: string, options: InspectOptions = {}): Promise<ModelReport> {
  const info = loadModelInfo(dir, options);
  const session = await ModelSession.open(info, {
    threads: 1,
    ...(options.batching ? { batching: options.batching } : {}),
  });
  try {
    const { io, batching } = session;
    return {
      dir: info.dir,
      layout: info.layout,
      modelType: info.modelType,
      architecture: info.architecture ?? null,
      onnxFile: info.onnxFile,
      dtype: info.dtype,
      availableDtypes: info.availableDtypes,
      externalDataFiles: info.externalDataFiles,
      vocabSize: info.vocabSize,
      layers: info.numLayers,
      heads: info.numHeads,
      kvHeads: info.numKvHeads,
      headSize: info.headDim,
      kvDtype: io.kvDtype,
      inputIdsDtype: io.idDtype,
      contextLength: info.contextLength,
      bosTokenId: info.bosTokenId ?? null,
      eosTokenIds: info.eosTokenIds,
      padTokenId: info.padTokenId ?? null,
      chatTemplate: info.chatTemplate !== undefined,
      chatTemplateSource: info.chatTemplateSource ?? null,
      attention: [...batching.attentionOps],
      rowAlignment: batching.rowAlignment,
      rowCouplingOps: [...batching.rowCouplingOps],
      batchInvariance: batching.perRowRuns
        ? 'per-row'
        : batching.rowCouplingOps.length > 0
          ? 'coupled'
          : 'batched',
      shareBuffer: batching.shareBuffer,
      appendKv: batching.appendKv,
      mergedDecoder: io.useCacheBranch !== undefined,
      logitsToKeep: io.logitsToKeep?.name ?? null,
    };
  } finally {
    await session.close();
  }
}
