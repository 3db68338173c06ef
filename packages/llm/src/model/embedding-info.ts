import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelConfigError, ModelDirError } from '../errors/llm-errors.js';
import { readJsonObject } from './read-json.js';

/** How token embeddings become one vector (Sentence-Transformers' Pooling module). */
export type EmbeddingPoolingMode = 'mean' | 'cls' | 'last_token';

/** What an embedding model directory declares; shown by `/v3/models` and `weft model inspect`. */
export interface EmbeddingInfo {
  readonly dir: string;
  readonly modelType: string | undefined;
  readonly pooling: EmbeddingPoolingMode;
  /** Where the pooling came from: a file of the directory, or the family default. */
  readonly poolingSource: string;
  /** The directory's pipeline ends with Sentence-Transformers' Normalize module. */
  readonly normalize: boolean;
  /** Longest input in tokens. */
  readonly maxInputTokens: number;
  /** Length of the vectors. */
  readonly dimensions: number;
  readonly tokenizerFile: string;
}

// Decoder families embed with their last token (Qwen3-Embedding, e5-mistral, gte-Qwen2).
const DECODER_TYPES = new Set([
  'llama',
  'mistral',
  'qwen2',
  'qwen3',
  'gemma',
  'gemma2',
  'gemma3',
  'phi3',
  'gpt2',
]);

const MODES: Record<string, EmbeddingPoolingMode | undefined> = {
  pooling_mode_mean_tokens: 'mean',
  pooling_mode_cls_token: 'cls',
  pooling_mode_lasttoken: 'last_token',
  pooling_mode_max_tokens: undefined,
  pooling_mode_mean_sqrt_len_tokens: undefined,
  pooling_mode_weightedmean_tokens: undefined,
};

/**
 * Reads an embedding model directory (Sentence-Transformers layout with an ONNX export, as
 * `sentence-transformers/*` and `onnx-community/*` repos ship it): the pooling from the Pooling
 * module that `modules.json` names (else `1_Pooling/config.json`, else the family default: mean
 * for encoders, last token for decoders), Normalize from `modules.json`, the input limit from
 * `sentence_bert_config.json` (else `tokenizer_config.json`'s `model_max_length`, else
 * `max_position_embeddings`).
 */
export function loadEmbeddingInfo(dir: string): EmbeddingInfo {
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile))
    throw new ModelDirError(`${dir} has no config.json; is it a model directory?`, configFile);
  const config = readJsonObject(configFile);
  const tokenizerFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) throw new ModelDirError(`${dir} has no tokenizer.json`, tokenizerFile);
  const modelType = typeof config.model_type === 'string' ? config.model_type : undefined;

  const modules = readModules(dir);
  const poolingPath = modules?.find((m) => m.type.endsWith('.Pooling'))?.path ?? '1_Pooling';
  const poolingFile = join(dir, poolingPath, 'config.json');
  const poolingConfig = readJsonObject(poolingFile, true);
  let pooling: EmbeddingPoolingMode;
  let poolingSource: string;
  if (poolingConfig) {
    pooling = poolingOf(poolingConfig, poolingFile);
    poolingSource = `${poolingPath}/config.json`;
  } else {
    pooling = modelType !== undefined && DECODER_TYPES.has(modelType) ? 'last_token' : 'mean';
    poolingSource = `default for ${modelType ?? 'an unknown model type'} (no ${poolingPath}/config.json)`;
  }

  const st = readJsonObject(join(dir, 'sentence_bert_config.json'), true);
  const tokConfig = readJsonObject(join(dir, 'tokenizer_config.json'), true);
  const modelMax =
    typeof tokConfig?.model_max_length === 'number' && tokConfig.model_max_length < 1e9
      ? tokConfig.model_max_length
      : undefined;
  const maxInputTokens = positive(st?.max_seq_length) ?? modelMax ?? positive(config.max_position_embeddings);
  if (maxInputTokens === undefined) {
    throw new ModelConfigError(
      `${dir} declares no input limit: expected max_seq_length in sentence_bert_config.json, model_max_length in tokenizer_config.json or max_position_embeddings in config.json`,
      configFile,
    );
  }
  const dimensions =
    positive(poolingConfig?.word_embedding_dimension) ??
    positive(config.hidden_size) ??
    positive(config.d_model);
  if (dimensions === undefined) {
    throw new ModelConfigError(`${configFile} has no hidden_size (the length of the vectors)`, configFile);
  }
  const normalize = modules?.some((m) => m.type.endsWith('.Normalize')) ?? false;
  return { dir, modelType, pooling, poolingSource, normalize, maxInputTokens, dimensions, tokenizerFile };
}

function readModules(dir: string): { type: string; path: string }[] | undefined {
  const file = join(dir, 'modules.json');
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelConfigError(`${file} is not valid JSON (${(err as Error).message})`, file, { cause: err });
  }
  if (
    !Array.isArray(value) ||
    !value.every((m) => typeof m?.type === 'string' && typeof m?.path === 'string')
  ) {
    throw new ModelConfigError(`${file} must be an array of {type, path} modules`, file);
  }
  return value as { type: string; path: string }[];
}

function poolingOf(config: Record<string, unknown>, file: string): EmbeddingPoolingMode {
  // Newer Sentence-Transformers write `pooling_mode` as a string too.
  if (typeof config.pooling_mode === 'string') {
    const named = { mean: 'mean', cls: 'cls', lasttoken: 'last_token', last_token: 'last_token' }[
      config.pooling_mode
    ];
    if (named) return named as EmbeddingPoolingMode;
  }
  const on = Object.keys(MODES).filter((key) => config[key] === true);
  if (on.length !== 1) {
    throw new ModelConfigError(
      `${file} turns on ${on.length === 0 ? 'no pooling mode' : `${on.length} pooling modes (${on.join(', ')})`}; Weft supports exactly one of pooling_mode_mean_tokens, pooling_mode_cls_token, pooling_mode_lasttoken`,
      file,
    );
  }
  const mode = MODES[on[0]!];
  if (mode === undefined) {
    throw new ModelConfigError(
      `${file} uses ${on[0]}, which Weft does not support (mean, CLS and last-token pooling are)`,
      file,
    );
  }
  return mode;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
