import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadEmbeddingInfo } from './embedding-info.js';

/** A model directory with the given files (objects are written as JSON). */
function dirWith(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weft-embed-'));
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  }
  return dir;
}

const flags = (on: string) => ({
  word_embedding_dimension: 384,
  pooling_mode_cls_token: on === 'cls',
  pooling_mode_mean_tokens: on === 'mean',
  pooling_mode_max_tokens: on === 'max',
  pooling_mode_mean_sqrt_len_tokens: false,
  pooling_mode_weightedmean_tokens: false,
  pooling_mode_lasttoken: on === 'last',
  include_prompt: true,
});
const stModules = (normalize: boolean) => [
  { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
  { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
  ...(normalize
    ? [{ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }]
    : []),
];

describe('loadEmbeddingInfo', () => {
  test('all-MiniLM-L6-v2 layout: mean pooling, normalize, max_seq_length from sentence_bert_config.json', () => {
    const dir = dirWith({
      'config.json': { model_type: 'bert', hidden_size: 384, max_position_embeddings: 512 },
      'tokenizer.json': '{}',
      'tokenizer_config.json': { model_max_length: 512 },
      'modules.json': stModules(true),
      '1_Pooling/config.json': flags('mean'),
      'sentence_bert_config.json': { max_seq_length: 256, do_lower_case: false },
    });
    expect(loadEmbeddingInfo(dir)).toMatchObject({
      modelType: 'bert',
      pooling: 'mean',
      poolingSource: '1_Pooling/config.json',
      normalize: true,
      maxInputTokens: 256,
      dimensions: 384,
    });
  });

  test('bge layout (CLS) and Qwen3-Embedding layout (last token, pooling module under another path)', () => {
    const bge = dirWith({
      'config.json': { model_type: 'bert', hidden_size: 384 },
      'tokenizer.json': '{}',
      'tokenizer_config.json': { model_max_length: 512 },
      'modules.json': stModules(true),
      '1_Pooling/config.json': flags('cls'),
    });
    expect(loadEmbeddingInfo(bge)).toMatchObject({ pooling: 'cls', maxInputTokens: 512 });
    const qwen = dirWith({
      'config.json': { model_type: 'qwen3', hidden_size: 1024, max_position_embeddings: 32768 },
      'tokenizer.json': '{}',
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: 'pooling', type: 'sentence_transformers.models.Pooling' },
      ],
      'pooling/config.json': flags('last'),
    });
    expect(loadEmbeddingInfo(qwen)).toMatchObject({
      pooling: 'last_token',
      normalize: false,
      maxInputTokens: 32768,
      dimensions: 384,
    });
  });

  test('without Sentence-Transformers files: mean for encoders, last token for decoders', () => {
    const encoder = dirWith({
      'config.json': { model_type: 'xlm-roberta', hidden_size: 768, max_position_embeddings: 514 },
      'tokenizer.json': '{}',
    });
    expect(loadEmbeddingInfo(encoder)).toMatchObject({
      pooling: 'mean',
      poolingSource: expect.stringContaining('default for xlm-roberta'),
    });
    const decoder = dirWith({
      'config.json': { model_type: 'qwen2', hidden_size: 896, max_position_embeddings: 4096 },
      'tokenizer.json': '{}',
    });
    expect(loadEmbeddingInfo(decoder).pooling).toBe('last_token');
  });

  test('an unsupported pooling mode is refused, naming the file and the mode', () => {
    const dir = dirWith({
      'config.json': { model_type: 'bert', hidden_size: 8, max_position_embeddings: 16 },
      'tokenizer.json': '{}',
      '1_Pooling/config.json': flags('max'),
    });
    expect(() => loadEmbeddingInfo(dir)).toThrow(
      /1_Pooling\/config\.json uses pooling_mode_max_tokens, which Weft does not support/,
    );
  });
});
