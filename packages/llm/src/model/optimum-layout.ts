import { join } from 'node:path';
import { ModelConfigError } from '../errors/llm-errors.js';
import { ConfigReader, readGenerationDefaults } from './config-keys.js';
import type { ModelInfo } from './model-info.js';
import { checkOnnxHeader, chooseOnnxVariant, findExternalData } from './onnx-files.js';
import { readJsonObject } from './read-json.js';
import { readTokenizerAssets } from './tokenizer-assets.js';

const LAYERS = ['num_hidden_layers', 'n_layer', 'num_layers'];
const HEADS = ['num_attention_heads', 'n_head', 'num_heads'];
const KV_HEADS = ['num_key_value_heads', 'num_kv_heads', 'n_head_kv'];
const HIDDEN = ['hidden_size', 'n_embd', 'd_model'];
const CONTEXT = ['max_position_embeddings', 'n_positions', 'n_ctx', 'seq_length', 'max_sequence_length'];

/** Reads a Hugging Face Optimum / transformers.js directory. */
export function loadOptimumInfo(dir: string, dtype?: string): ModelInfo {
  const configFile = join(dir, 'config.json');
  const raw = readJsonObject(configFile);
  // Multimodal exports (gemma3, phi3-v...) keep the decoder's keys under text_config.
  const textConfig = raw.text_config;
  const config =
    typeof textConfig === 'object' && textConfig !== null
      ? { ...raw, ...(textConfig as Record<string, unknown>) }
      : raw;
  const c = new ConfigReader(configFile, config);
  const modelType = c.string('model_type');
  if (modelType === undefined) {
    throw new ModelConfigError(
      `${configFile} has no "model_type" (e.g. "llama", "gpt2", "qwen2")`,
      configFile,
    );
  }
  const vocabSize = c.requireInt(['vocab_size'], 'vocabulary size');
  const numLayers = c.requireInt(LAYERS, 'number of layers');
  const numHeads = c.requireInt(HEADS, 'number of attention heads');
  const numKvHeads = c.int(KV_HEADS) ?? (c.boolean('multi_query') ? 1 : numHeads);
  const hiddenSize = c.int(HIDDEN);
  const headDim = c.int(['head_dim']) ?? (hiddenSize === undefined ? undefined : hiddenSize / numHeads);
  if (headDim === undefined || !Number.isInteger(headDim)) {
    throw new ModelConfigError(
      `${configFile} does not give the head size: expected "head_dim", or ${HIDDEN.map((k) => `"${k}"`).join(' / ')} divisible by the ${numHeads} heads`,
      configFile,
    );
  }
  const contextLength = c.requireInt(CONTEXT, 'context length');

  const genFile = join(dir, 'generation_config.json');
  const gen = readJsonObject(genFile, true) ?? {};
  const g = new ConfigReader(genFile, gen);
  const eosTokenIds = g.ids('eos_token_id') ?? c.ids('eos_token_id') ?? [];
  const bosTokenId = (g.ids('bos_token_id') ?? c.ids('bos_token_id'))?.[0];
  const padTokenId = (g.ids('pad_token_id') ?? c.ids('pad_token_id'))?.[0];

  const onnx = chooseOnnxVariant(dir, dtype);
  checkOnnxHeader(onnx.file);
  const tokenizer = readTokenizerAssets(dir);
  const architectures = raw.architectures;
  return {
    dir,
    layout: 'optimum',
    modelType,
    ...(Array.isArray(architectures) && typeof architectures[0] === 'string'
      ? { architecture: architectures[0] }
      : {}),
    onnxFile: onnx.file,
    externalDataFiles: findExternalData(onnx.file),
    dtype: onnx.dtype,
    availableDtypes: onnx.available,
    vocabSize,
    ...(hiddenSize === undefined ? {} : { hiddenSize }),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    contextLength,
    ...(bosTokenId === undefined ? {} : { bosTokenId }),
    eosTokenIds,
    ...(padTokenId === undefined ? {} : { padTokenId }),
    io: {
      inputIds: 'input_ids',
      attentionMask: 'attention_mask',
      positionIds: 'position_ids',
      logits: 'logits',
      pastKey: 'past_key_values.%d.key',
      pastValue: 'past_key_values.%d.value',
      presentKey: 'present.%d.key',
      presentValue: 'present.%d.value',
      packedKv: false,
    },
    generation: readGenerationDefaults(g),
    ...tokenizer,
    config: raw,
  };
}
