import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuildError } from '../errors/llm-errors.js';
import { learnBpe } from './bpe-learner.js';
import type { BuildProgress } from './create-tiny-model.js';
import { BERT_LAYER_NORM_EPS, buildEncoderGraph, type EncoderShape } from './encoder-graph.js';
import { TINY_PRESETS, type TinyPreset } from './presets.js';
import { buildTokenizerFiles } from './tokenizer-files.js';

/** Sentence-Transformers pooling modes the builder can declare (1_Pooling/config.json). */
export const EMBEDDING_POOLINGS = ['mean', 'cls'] as const;
export type EmbeddingPooling = (typeof EMBEDDING_POOLINGS)[number];

export interface CreateEmbeddingModelOptions {
  /** Default `tiny`. */
  preset?: TinyPreset;
  /** Default 0. */
  seed?: number;
  /** Default `mean`. */
  pooling?: EmbeddingPooling;
  onProgress?: (progress: BuildProgress) => void;
}

export interface CreatedEmbeddingModel {
  dir: string;
  preset: TinyPreset;
  seed: number;
  pooling: EmbeddingPooling;
  parameters: number;
  hiddenSize: number;
  vocabSize: number;
  files: string[];
}

// tiny: tests (< 1 MB); small and bench: about all-MiniLM-L6-v2's shape (22M parameters).
const SHAPES: Record<TinyPreset, EncoderShape> = {
  tiny: { hiddenSize: 64, layers: 2, heads: 4, intermediateSize: 128, maxPositions: 128 },
  small: { hiddenSize: 256, layers: 4, heads: 4, intermediateSize: 1024, maxPositions: 256 },
  bench: { hiddenSize: 384, layers: 6, heads: 12, intermediateSize: 1536, maxPositions: 256 },
};

const TRAINING_TEXT = new URL('../../assets/bpe-training-text.txt', import.meta.url);

/**
 * Writes a Sentence-Transformers model directory with an ONNX export, the files a real download of
 * e.g. `sentence-transformers/all-MiniLM-L6-v2` (onnx-community layout) has: `config.json` (BERT),
 * `tokenizer.json`, `tokenizer_config.json`, `modules.json` (Transformer → Pooling → Normalize),
 * `1_Pooling/config.json`, `sentence_bert_config.json`, `config_sentence_transformers.json` and
 * `onnx/model.onnx` (`last_hidden_state` out). Random weights, same seed → same bytes.
 */
export async function createTinyEmbeddingModel(
  dir: string,
  options: CreateEmbeddingModelOptions = {},
): Promise<CreatedEmbeddingModel> {
  const { preset = 'tiny', seed = 0, pooling = 'mean', onProgress } = options;
  if (!TINY_PRESETS.includes(preset)) {
    throw new ModelBuildError(`preset ${JSON.stringify(preset)} is not one of ${TINY_PRESETS.join(', ')}`);
  }
  if (!EMBEDDING_POOLINGS.includes(pooling)) {
    throw new ModelBuildError(
      `pooling ${JSON.stringify(pooling)} is not one of ${EMBEDDING_POOLINGS.join(', ')}`,
    );
  }
  const shape = SHAPES[preset];
  onProgress?.({ phase: 'tokenizer', message: 'learning BPE merges from the shipped text' });
  const tok = buildTokenizerFiles(learnBpe(readFileSync(TRAINING_TEXT, 'utf8'), 765), shape.maxPositions);
  onProgress?.({ phase: 'weights', message: `generating bert ${preset} weights (seed ${seed})` });
  await new Promise((resolve) => setImmediate(resolve));
  const graph = buildEncoderGraph({ shape, vocabSize: tok.vocabSize, seed });
  const parameters = graph.parameterCount();
  onProgress?.({ phase: 'serialize', message: `serialising ${(parameters / 1e6).toFixed(2)}M parameters` });
  const { model } = graph.serialize();

  onProgress?.({ phase: 'write', message: `writing ${dir}` });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  const files: string[] = [];
  const writeJson = (name: string, value: unknown): void => {
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  const { endOfText } = tok.specialIds;
  writeJson('config.json', {
    architectures: ['BertModel'],
    model_type: 'bert',
    vocab_size: tok.vocabSize,
    hidden_size: shape.hiddenSize,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediateSize,
    hidden_act: 'gelu',
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: 1,
    layer_norm_eps: BERT_LAYER_NORM_EPS,
    pad_token_id: endOfText,
    position_embedding_type: 'absolute',
    torch_dtype: 'float32',
  });
  writeJson('tokenizer.json', tok.tokenizerJson);
  // Embedding tokenizers pad on the right and have no chat template.
  const { chat_template: _template, ...config } = tok.tokenizerConfig;
  writeJson('tokenizer_config.json', {
    ...config,
    padding_side: 'right',
    model_max_length: shape.maxPositions,
  });
  writeJson('modules.json', [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
  ]);
  writeJson('1_Pooling/config.json', {
    word_embedding_dimension: shape.hiddenSize,
    pooling_mode_cls_token: pooling === 'cls',
    pooling_mode_mean_tokens: pooling === 'mean',
    pooling_mode_max_tokens: false,
    pooling_mode_mean_sqrt_len_tokens: false,
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: false,
    include_prompt: true,
  });
  writeJson('sentence_bert_config.json', { max_seq_length: shape.maxPositions, do_lower_case: false });
  writeJson('config_sentence_transformers.json', {
    __version__: { sentence_transformers: '3.0.1', transformers: '4.41.2', pytorch: '2.3.0' },
    prompts: {},
    default_prompt_name: null,
    similarity_fn_name: 'cosine',
  });
  writeFileSync(join(dir, 'onnx', 'model.onnx'), model);
  files.push('onnx/model.onnx');
  onProgress?.({ phase: 'done', message: `wrote ${files.length} files` });
  return {
    dir,
    preset,
    seed,
    pooling,
    parameters,
    hiddenSize: shape.hiddenSize,
    vocabSize: tok.vocabSize,
    files,
  };
}
