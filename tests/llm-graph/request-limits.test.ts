import type { CompiledGraph } from '@weft/framework';
import type { Tokenizer } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, requestError } from './graph-helpers.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
});
afterAll(async () => {
  await graph?.dispose();
});

const errorOf = (endpoint: 'completions' | 'chat/completions', body: unknown) =>
  requestError(graph, endpoint, body);

describe('per-request bounds of OpenAiRequestCalculator', () => {
  it('refuses more prompts than max_prompts (64) on `prompt`', async () => {
    const error = await errorOf('completions', { model: 'tiny-llama', prompt: Array(200).fill('a'), n: 16 });
    expect(error).toEqual({
      kind: 'error',
      code: 'WEFT_ERR_REQUEST_INVALID_VALUE',
      param: 'prompt',
      message:
        "Invalid value for 'prompt': 200 prompts in one request; this model takes at most 64 (max_prompts). Send them in several requests.",
    });
  });

  it('refuses prompts × sequences × max_tokens over max_request_tokens (65536), naming n', async () => {
    const error = await errorOf('completions', {
      model: 'tiny-llama',
      prompt: Array(20).fill('a'),
      n: 16,
      max_tokens: 480,
    });
    expect(error.param).toBe('n');
    expect(error.message).toBe(
      "Invalid value for 'n': 20 prompt(s) × 16 sequence(s) × 480 max tokens = 153600 tokens to generate; this model allows at most 65536 per request (max_request_tokens). Lower n, best_of, max_tokens or the number of prompts.",
    );
  });

  it('refuses a prompt too long to fit the context before tokenizing it', async () => {
    const tokenizer = graph.sharedSidePacket('tokenizer') as Tokenizer;
    const limit = 2048 * tokenizer.maxTokenChars;
    const text = 'a'.repeat(limit + 1);
    const error = await errorOf('completions', { model: 'tiny-llama', prompt: text });
    expect(error.param).toBe('prompt');
    expect(error.message).toBe(
      `Invalid value for 'prompt': the prompt has ${limit + 1} characters; at most ${limit} can fit this model's context of 2048 tokens (max_prompt_chars). Shorten it.`,
    );
    const chat = await errorOf('chat/completions', {
      model: 'tiny-llama',
      messages: [{ role: 'user', content: text }],
    });
    expect(chat.param).toBe('messages');
    // Just under the bound the prompt is tokenized and refused by the context check instead.
    const fits = await errorOf('completions', { model: 'tiny-llama', prompt: 'a'.repeat(limit) });
    expect(fits.code).toBe('WEFT_ERR_CONTEXT_LENGTH_EXCEEDED');
  });
});
