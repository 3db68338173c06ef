import * as ort from 'onnxruntime-node';
import { type LoadModelInfoOptions, loadModelInfo } from './load-model-info.js';
import { layerName } from './model-info.js';
import { onnxLoadError } from './onnx-files.js';

/** What `weft model inspect` prints. */
export interface ModelReport {
  dir: string;
  layout: string;
  modelType: string;
  architecture: string | null;
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
}

/**
 * Reads the directory and opens the ONNX file once to report the tensor types the session
 * declares (the config files do not say them reliably).
 */
export async function inspectModel(dir: string, options: LoadModelInfoOptions = {}): Promise<ModelReport> {
  const info = loadModelInfo(dir, options);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(info.onnxFile, { graphOptimizationLevel: 'disabled' });
  } catch (err) {
    throw onnxLoadError(info.onnxFile, err);
  }
  try {
    const typeOf = (name: string): string => {
      const meta = session.inputMetadata.find((m) => m.name === name);
      return meta?.isTensor ? meta.type : 'unknown';
    };
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
      kvDtype: typeOf(layerName(info.io.pastKey, 0)),
      inputIdsDtype: typeOf(info.io.inputIds),
      contextLength: info.contextLength,
      bosTokenId: info.bosTokenId ?? null,
      eosTokenIds: info.eosTokenIds,
      padTokenId: info.padTokenId ?? null,
      chatTemplate: info.chatTemplate !== undefined,
      chatTemplateSource: info.chatTemplateSource ?? null,
    };
  } finally {
    await session.release();
  }
}
