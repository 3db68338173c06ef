import type { CompiledGraph } from '@weft/framework';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTinyLlamaGraph, okBody, requestError, runRequest } from './graph-helpers.js';
import { bodyFor, errorPacketOf, graphCases } from './param-cases.js';

let graph: CompiledGraph;
beforeAll(async () => {
  graph = await loadTinyLlamaGraph();
});
afterAll(async () => {
  await graph?.dispose();
});

const errorOf = (endpoint: 'completions' | 'chat/completions', body: unknown) =>
  requestError(graph, endpoint, body);

describe('every request parameter through the graph', () => {
  it.each(graphCases().map((c) => [`${c.endpoint} ${c.name}`, c] as const))('%s', async (_, c) => {
    const packets = await runRequest(graph, c.endpoint, bodyFor(c));
    if (!c.error) {
      expect(packets[0]?.kind).toBe('head');
      expect(packets.at(-1)).toEqual({ kind: 'end' });
      return;
    }
    expect(packets).toEqual([errorPacketOf(c.error)]);
  });
});

describe('checks against the model', () => {
  it('prompt + max_tokens over the context: refused with the numbers', async () => {
    const long = await errorOf('completions', {
      model: 'tiny-llama',
      prompt: 'hello '.repeat(50),
      max_tokens: 2040,
    });
    expect(long).toMatchObject({
      kind: 'error',
      param: 'max_tokens',
      code: 'WEFT_ERR_CONTEXT_LENGTH_EXCEEDED',
    });
    expect(long.message).toMatch(
      /^This model's maximum context length is 2048 tokens\. However, you requested (\d+) tokens \((\d+) in the prompt, 2040 in the completion\)\. Please reduce the length of the prompt or completion\.$/,
    );
    // A prompt that alone fills the context is named `prompt`, as OpenAI does.
    const alone = await errorOf('completions', {
      model: 'tiny-llama',
      prompt: 'hello '.repeat(1200),
      max_tokens: 16,
    });
    expect(alone.param).toBe('prompt');
    const chat = await errorOf('chat/completions', {
      model: 'tiny-llama',
      messages: [{ role: 'user', content: 'x' }],
      max_completion_tokens: 2100,
    });
    expect(chat.param).toBe('max_tokens');
    expect(chat.message).toContain('2100 in the completion');
  });

  it('token ids outside the vocabulary: refused naming the id, its position and the vocabulary', async () => {
    const e = await errorOf('completions', { model: 'tiny-llama', prompt: [1, 2, 5000], max_tokens: 2 });
    expect(e).toEqual({
      kind: 'error',
      message:
        "Invalid value for 'prompt': token id 5000 at position 2 is outside the model's vocabulary [0, 838).",
      param: 'prompt',
      code: 'WEFT_ERR_REQUEST_INVALID_VALUE',
    });
    const bias = await errorOf('completions', { model: 'tiny-llama', prompt: 'x', logit_bias: { '900': 5 } });
    expect(bias.message).toBe(
      "Invalid value for 'logit_bias': token id 900 is outside the model's vocabulary [0, 838).",
    );
  });

  it('several prompts give prompt × n choices; ids prompts work', async () => {
    const packets = await runRequest(graph, 'completions', {
      model: 'tiny-llama',
      prompt: [
        [10, 20, 30],
        [40, 50],
      ],
      n: 2,
      max_tokens: 3,
      temperature: 0,
      ignore_eos: true,
    });
    const body = okBody(packets);
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2, 3]);
    expect(body.choices[0].text).toBe(body.choices[1].text);
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 12, total_tokens: 17 });
  });

  it('several prompts whose rows together exceed the engine seats still complete (one prompt at a time)', async () => {
    const packets = await runRequest(graph, 'completions', {
      model: 'tiny-llama',
      prompt: ['One', 'Two'],
      n: 16,
      max_tokens: 2,
      temperature: 1,
      seed: 5,
      ignore_eos: true,
    });
    const body = okBody(packets);
    expect(body.choices.map((c: any) => c.index)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(body.usage.completion_tokens).toBe(64);
  });

  it('the request body must be a JSON object', async () => {
    const e = await errorOf('completions', 'hello');
    expect(e.message).toBe('Invalid request body: expected a JSON object, but got a string ("hello").');
  });
});
