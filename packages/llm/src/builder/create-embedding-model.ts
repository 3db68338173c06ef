import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelBuildError } from '../errors/llm-errors.js';
import { learnBpe } from './bpe-learner.js';
import type { BuildProgress } from './create-tiny-model.js';
import { buildDecoderEmbeddingGraph } from './decoder-embedding-graph.js';
import { BERT_LAYER_NORM_EPS, buildEncoderGraph, type EncoderShape } from './encoder-graph.js';
import { buildModelConfig } from './model-configs.js';
import { DEFAULT_MODEL_KIND } from './model-kind.js';
import type { OnnxGraphBuilder } from './onnx-graph-builder.js';
import { presetShape, TINY_PRESETS, type TinyPreset } from './presets.js';
import { type BuiltTokenizer, buildTokenizerFiles } from './tokenizer-files.js';

/** Sentence-Transformers pooling modes the builder can declare (1_Pooling/config.json). */
export const EMBEDDING_POOLINGS = ['mean', 'cls', 'last_token'] as const;
export type EmbeddingPooling = (typeof EMBEDDING_POOLINGS)[number];

/** `bert`: an encoder (all-MiniLM style); `llama`: a decoder (Qwen3-Embedding style). */
export const EMBEDDING_ARCHS = ['bert', 'llama'] as const;
export type EmbeddingArch = (typeof EMBEDDING_ARCHS)[number];

/** The pooling each architecture is used with: mean for encoders, the last token for decoders. */
export const defaultPooling = (arch: EmbeddingArch): EmbeddingPooling =>
  arch === 'llama' ? 'last_token' : 'mean';

export interface CreateEmbeddingModelOptions {
  /** Default `bert`. */
  arch?: EmbeddingArch;
  /** Default `tiny`. */
  preset?: TinyPreset;
  /** Default 0. */
  seed?: number;
  /** Default: `defaultPooling(arch)`. */
  pooling?: EmbeddingPooling;
  onProgress?: (progress: BuildProgress) => void;
}

export interface CreatedEmbeddingModel {
  dir: string;
  arch: EmbeddingArch;
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
/** Longest input of a decoder embedding model (its rotary table is longer). */
const DECODER_MAX_LENGTH = 512;

const TRAINING_TEXT = new URL('../../assets/bpe-training-text.txt', import.meta.url);

/** What differs between the architectures: the graph and the model's own config files. */
interface ArchParts {
  readonly graph: OnnxGraphBuilder;
  readonly config: Record<string, unknown>;
  readonly tokenizerJson: object;
  readonly tokenizerConfig: Record<string, unknown>;
  readonly hiddenSize: number;
  readonly maxLength: number;
}

function bertParts(preset: TinyPreset, seed: number, tok: BuiltTokenizer): ArchParts {
  const shape = SHAPES[preset];
  // Embedding tokenizers of encoders pad on the right and have no chat template.
  const { chat_template: _template, ...config } = tok.tokenizerConfig;
  return {
    graph: buildEncoderGraph({ shape, vocabSize: tok.vocabSize, seed }),
    config: {
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
      pad_token_id: tok.specialIds.endOfText,
      position_embedding_type: 'absolute',
      torch_dtype: 'float32',
    },
    tokenizerJson: tok.tokenizerJson,
    tokenizerConfig: { ...config, padding_side: 'right', model_max_length: shape.maxPositions },
    hiddenSize: shape.hiddenSize,
    maxLength: shape.maxPositions,
  };
}

/**
 * A decoder embedding model as Qwen3-Embedding ships it: the tokenizer appends `<|endoftext|>`
 * (its post-processor), whose last hidden state is the embedding, and pads on the left.
 */
function llamaParts(preset: TinyPreset, seed: number, tok: BuiltTokenizer): ArchParts {
  const shape = presetShape('llama', preset);
  const eos = '<|endoftext|>';
  const eosId = tok.specialIds.endOfText;
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const special = (typeId: number) => ({ SpecialToken: { id: eos, type_id: typeId } });
  const { chat_template: _template, ...config } = tok.tokenizerConfig;
  const maxLength = Math.min(shape.contextLength, DECODER_MAX_LENGTH);
  return {
    graph: buildDecoderEmbeddingGraph({
      shape,
      vocabSize: tok.vocabSize,
      tokenizerVocab: tok.vocabSize,
      quietIds: [],
      seed,
      kind: DEFAULT_MODEL_KIND,
    }),
    config: {
      ...buildModelConfig('llama', shape, tok, false),
      architectures: ['LlamaModel'],
      eos_token_id: eosId,
      use_cache: false,
    },
    tokenizerJson: {
      ...tok.tokenizerJson,
      post_processor: {
        type: 'TemplateProcessing',
        single: [sequence('A', 0), special(0)],
        pair: [sequence('A', 0), special(0), sequence('B', 1), special(1)],
        special_tokens: { [eos]: { id: eos, ids: [eosId], tokens: [eos] } },
      },
    },
    tokenizerConfig: { ...config, eos_token: eos, padding_side: 'left', model_max_length: maxLength },
    hiddenSize: shape.hiddenSize,
    maxLength,
  };
}

/**
 * Writes a Sentence-Transformers model directory with an ONNX export, the files a real download
 * has (e.g. `sentence-transformers/all-MiniLM-L6-v2` in the onnx-community layout, or
 * `Qwen/Qwen3-Embedding-0.6B`): `config.json` (BERT, or Llama for `arch: llama`), `tokenizer.json`,
 * `tokenizer_config.json`, `modules.json` (Transformer → Pooling → Normalize),
 * `1_Pooling/config.json`, `sentence_bert_config.json`, `config_sentence_transformers.json` and
 * `onnx/model.onnx` (`input_ids`, `attention_mask` in, `last_hidden_state` out). Random weights,
 * same seed → same bytes.
 */
export async function createTinyEmbeddingModel(
  dir: string,
  options: CreateEmbeddingModelOptions = {},
): Promise<CreatedEmbeddingModel> {
  const { arch = 'bert', preset = 'tiny', seed = 0, onProgress } = options;
  const pooling = options.pooling ?? defaultPooling(arch);
  if (!EMBEDDING_ARCHS.includes(arch)) {
    throw new ModelBuildError(`arch ${JSON.stringify(arch)} is not one of ${EMBEDDING_ARCHS.join(', ')}`);
  }
  if (!TINY_PRESETS.includes(preset)) {
    throw new ModelBuildError(`preset ${JSON.stringify(preset)} is not one of ${TINY_PRESETS.join(', ')}`);
  }
  if (!EMBEDDING_POOLINGS.includes(pooling)) {
    throw new ModelBuildError(
      `pooling ${JSON.stringify(pooling)} is not one of ${EMBEDDING_POOLINGS.join(', ')}`,
    );
  }
  onProgress?.({ phase: 'tokenizer', message: 'learning BPE merges from the shipped text' });
  const bpe = learnBpe(readFileSync(TRAINING_TEXT, 'utf8'), 765);
  const maxLength = arch === 'llama' ? DECODER_MAX_LENGTH : SHAPES[preset].maxPositions;
  const tok = buildTokenizerFiles(bpe, maxLength);
  onProgress?.({ phase: 'weights', message: `generating ${arch} ${preset} weights (seed ${seed})` });
  await new Promise((resolve) => setImmediate(resolve));
  const parts = arch === 'llama' ? llamaParts(preset, seed, tok) : bertParts(preset, seed, tok);
  const parameters = parts.graph.parameterCount();
  onProgress?.({ phase: 'serialize', message: `serialising ${(parameters / 1e6).toFixed(2)}M parameters` });
  const { model } = parts.graph.serialize();

  onProgress?.({ phase: 'write', message: `writing ${dir}` });
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  mkdirSync(join(dir, '1_Pooling'), { recursive: true });
  const files: string[] = [];
  const writeJson = (name: string, value: unknown): void => {
    writeFileSync(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  writeJson('config.json', parts.config);
  writeJson('tokenizer.json', parts.tokenizerJson);
  writeJson('tokenizer_config.json', parts.tokenizerConfig);
  writeJson('modules.json', [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
  ]);
  writeJson('1_Pooling/config.json', {
    word_embedding_dimension: parts.hiddenSize,
    pooling_mode_cls_token: pooling === 'cls',
    pooling_mode_mean_tokens: pooling === 'mean',
    pooling_mode_max_tokens: false,
    pooling_mode_mean_sqrt_len_tokens: false,
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: pooling === 'last_token',
    include_prompt: true,
  });
  writeJson('sentence_bert_config.json', { max_seq_length: parts.maxLength, do_lower_case: false });
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
    arch,
    preset,
    seed,
    pooling,
    parameters,
    hiddenSize: parts.hiddenSize,
    vocabSize: tok.vocabSize,
    files,
  };
}
