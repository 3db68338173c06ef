import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModelInfo } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyModel } from '../helpers/models.js';

// config.json / generation_config.json key sets as the families' Hugging Face exports ship them
// (trimmed to the keys that matter); the ONNX and tokenizer files come from the tiny llama.
const FAMILIES: {
  name: string;
  config: Record<string, unknown>;
  generation?: Record<string, unknown>;
  expected: Record<string, unknown>;
}[] = [
  {
    name: 'mistral',
    config: {
      model_type: 'mistral',
      architectures: ['MistralForCausalLM'],
      vocab_size: 32768,
      hidden_size: 4096,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      max_position_embeddings: 32768,
      sliding_window: null,
      bos_token_id: 1,
      eos_token_id: 2,
    },
    expected: {
      numHeads: 32,
      numKvHeads: 8,
      headDim: 128,
      contextLength: 32768,
      eosTokenIds: [2],
      bosTokenId: 1,
    },
  },
  {
    name: 'qwen2',
    config: {
      model_type: 'qwen2',
      vocab_size: 151936,
      hidden_size: 896,
      num_hidden_layers: 24,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      max_position_embeddings: 32768,
      bos_token_id: 151643,
      eos_token_id: 151643,
    },
    generation: {
      bos_token_id: 151643,
      eos_token_id: [151645, 151643],
      pad_token_id: 151643,
      top_p: 0.8,
      top_k: 20,
    },
    expected: {
      numKvHeads: 2,
      headDim: 64,
      eosTokenIds: [151645, 151643],
      padTokenId: 151643,
      generation: { topP: 0.8, topK: 20 },
    },
  },
  {
    name: 'qwen3',
    config: {
      model_type: 'qwen3',
      vocab_size: 151936,
      hidden_size: 1024,
      head_dim: 128,
      num_hidden_layers: 28,
      num_attention_heads: 16,
      num_key_value_heads: 8,
      max_position_embeddings: 40960,
      eos_token_id: 151645,
    },
    expected: { headDim: 128, numHeads: 16, numKvHeads: 8, contextLength: 40960, eosTokenIds: [151645] },
  },
  {
    name: 'phi3',
    config: {
      model_type: 'phi3',
      vocab_size: 32064,
      hidden_size: 3072,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 32,
      max_position_embeddings: 4096,
      bos_token_id: 1,
      eos_token_id: 32000,
      pad_token_id: 32000,
    },
    generation: { eos_token_id: [32007, 32001, 32000], bos_token_id: 1, pad_token_id: 32000 },
    expected: { headDim: 96, numKvHeads: 32, eosTokenIds: [32007, 32001, 32000], bosTokenId: 1 },
  },
  {
    name: 'gemma',
    config: {
      model_type: 'gemma',
      vocab_size: 256000,
      hidden_size: 2048,
      head_dim: 256,
      num_hidden_layers: 18,
      num_attention_heads: 8,
      num_key_value_heads: 1,
      max_position_embeddings: 8192,
      bos_token_id: 2,
      eos_token_id: 1,
      pad_token_id: 0,
    },
    expected: { headDim: 256, numKvHeads: 1, eosTokenIds: [1], bosTokenId: 2, padTokenId: 0 },
  },
  {
    name: 'gemma3 (text_config)',
    config: {
      model_type: 'gemma3',
      architectures: ['Gemma3ForConditionalGeneration'],
      text_config: {
        model_type: 'gemma3_text',
        vocab_size: 262208,
        hidden_size: 2560,
        head_dim: 256,
        num_hidden_layers: 34,
        num_attention_heads: 8,
        num_key_value_heads: 4,
        max_position_embeddings: 131072,
      },
      eos_token_id: [1, 106],
    },
    expected: {
      modelType: 'gemma3_text',
      vocabSize: 262208,
      numLayers: 34,
      headDim: 256,
      eosTokenIds: [1, 106],
    },
  },
  {
    name: 'gpt-bigcode (multi_query)',
    config: {
      model_type: 'gpt_bigcode',
      vocab_size: 49152,
      n_embd: 2048,
      n_layer: 24,
      n_head: 16,
      multi_query: true,
      n_positions: 8192,
      eos_token_id: 0,
    },
    expected: { numKvHeads: 1, headDim: 128, numLayers: 24, contextLength: 8192, hiddenSize: 2048 },
  },
];

const scratch = mkdtempSync(join(tmpdir(), 'weft-families-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let tiny = '';
beforeAll(async () => {
  tiny = await ensureTinyModel('llama');
});

describe('loadModelInfo reads each family from its own config keys', () => {
  it.each(FAMILIES)('$name', ({ name, config, generation, expected }) => {
    const dir = join(scratch, name.replace(/\W+/g, '-'));
    cpSync(tiny, dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    if (generation) writeFileSync(join(dir, 'generation_config.json'), JSON.stringify(generation));
    else rmSync(join(dir, 'generation_config.json'));
    const info = loadModelInfo(dir);
    expect(info).toMatchObject({ layout: 'optimum', ...expected });
    if (!('modelType' in expected)) expect(info.modelType).toBe(config.model_type);
  });
});
