import type { Engine } from '@weft/llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGauges, startLlmServer } from './helpers/llm-server.js';
import { AuthenticationError, BadRequestError, NotFoundError, OpenAI } from './helpers/openai.js';
import { postJson, waitFor } from './helpers/test-server.js';

let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlmServer({ apiKey: 'sk-llm' });
  client = new OpenAI({ baseURL: `${server.url}/v3`, apiKey: 'sk-llm', maxRetries: 0 });
}, 180_000);
afterAll(() => server?.stop());

const model = 'tiny-llama';
const auth = { authorization: 'Bearer sk-llm' };

describe('the tiny-llama graph over HTTP with the openai client', () => {
  it('completes greedily, the same text streamed and not, under /v1 and /v3', async () => {
    const v1 = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-llm', maxRetries: 0 });
    const request = {
      model,
      prompt: 'Once upon a time',
      max_tokens: 8,
      temperature: 0,
      ignore_eos: true,
    } as const;
    const plain = await v1.completions.create(request as never);
    expect(plain.object).toBe('text_completion');
    expect(plain.usage?.completion_tokens).toBe(8);
    expect(plain.choices[0]!.finish_reason).toBe('length');
    const stream = await client.completions.create({ ...(request as object), stream: true } as never);
    let text = '';
    for await (const chunk of stream as unknown as AsyncIterable<{ choices: { text: string }[] }>)
      text += chunk.choices[0]?.text ?? '';
    expect(text).toBe(plain.choices[0]!.text);
  });

  it('chats, streamed with include_usage', async () => {
    const messages = [{ role: 'user' as const, content: 'Hello there' }];
    const plain = await client.chat.completions.create({ model, messages, max_tokens: 6, temperature: 0 });
    expect(plain.object).toBe('chat.completion');
    expect(plain.choices[0]!.message.role).toBe('assistant');
    const stream = await client.chat.completions.create({
      model,
      messages,
      max_tokens: 6,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: { completion_tokens: number; prompt_tokens: number } | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toBe(plain.choices[0]!.message.content);
    expect(usage).toEqual(plain.usage && { ...plain.usage });
  });

  it('supports n, stop, seed and logprobs', async () => {
    const three = await client.completions.create({ model, prompt: 'The', max_tokens: 4, n: 3, seed: 1 });
    expect(three.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    const a = await client.completions.create({
      model,
      prompt: 'The',
      max_tokens: 6,
      seed: 42,
      temperature: 1,
    });
    const b = await client.completions.create({
      model,
      prompt: 'The',
      max_tokens: 6,
      seed: 42,
      temperature: 1,
    });
    expect(b.choices[0]!.text).toBe(a.choices[0]!.text);
    const greedy = await client.completions.create({ model, prompt: 'Once', max_tokens: 8, temperature: 0 });
    const firstChar = greedy.choices[0]!.text.trim()[0];
    expect(firstChar).toBeDefined();
    const stopped = await client.completions.create({
      model,
      prompt: 'Once',
      max_tokens: 8,
      temperature: 0,
      stop: [firstChar!],
    });
    expect(stopped.choices[0]!.text).toBe(
      greedy.choices[0]!.text.slice(0, greedy.choices[0]!.text.indexOf(firstChar!)),
    );
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    const lp = await client.completions.create({
      model,
      prompt: 'Once',
      max_tokens: 3,
      logprobs: 2,
      temperature: 0,
    });
    expect(lp.choices[0]!.logprobs?.tokens?.length).toBe(3);
    const chatLp = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 3,
      logprobs: true,
      top_logprobs: 2,
      // Greedy: an unseeded sample could pick EOS before the third token (a flaky count).
      temperature: 0,
    });
    expect(chatLp.choices[0]!.logprobs?.content?.length).toBe(3);
  });

  it('maps errors to the SDK classes and keeps serving', async () => {
    await expect(client.completions.create({ model, prompt: 'x', max_tokens: -1 })).rejects.toBeInstanceOf(
      BadRequestError,
    );
    await expect(client.completions.create({ model: 'nope', prompt: 'x' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const anon = new OpenAI({ baseURL: `${server.url}/v3`, apiKey: 'wrong', maxRetries: 0 });
    await expect(anon.completions.create({ model, prompt: 'x' })).rejects.toBeInstanceOf(AuthenticationError);
    const tooLong = await postJson(
      `${server.url}/v3/completions`,
      { model, prompt: 'word '.repeat(4000) },
      auth,
    );
    expect(tooLong.status).toBe(400);
    // A prompt that alone fills the context is the prompt's fault (OpenAI names `prompt`); one that
    // fits but leaves no room for the default 16 tokens is max_tokens'.
    expect(tooLong.body.error.message).toContain('maximum context length is 2048 tokens');
    const promptTokens = Number(/\((\d+) in the prompt/.exec(tooLong.body.error.message)?.[1]);
    expect(tooLong.body.error).toMatchObject({
      param: promptTokens >= 2048 ? 'prompt' : 'max_tokens',
      code: 'context_length_exceeded',
    });
    const badIds = await postJson(`${server.url}/v3/completions`, { model, prompt: [1, 99999999] }, auth);
    expect(badIds.status).toBe(400);
    expect(badIds.body.error.param).toBe('prompt');
    const ok = await client.completions.create({ model, prompt: 'x', max_tokens: 1 });
    expect(ok.choices.length).toBe(1);
  });

  it('tokenizes with the model tokenizer', async () => {
    const res = await postJson(`${server.url}/v3/tokenize`, { model, prompt: 'Once upon a time' }, auth);
    expect(res.status).toBe(200);
    expect(res.body.tokens.length).toBeGreaterThan(0);
    expect(res.body.tokens.every((t: unknown) => Number.isInteger(t))).toBe(true);
  });

  it('cancels the run and frees the engine when a stream is aborted mid-way', async () => {
    const stream = await client.completions.create({
      model,
      prompt: 'Once upon a time',
      // Long enough to be running at the third chunk: the engine samples in its worker and decodes
      // the tiny model without waiting for the client.
      max_tokens: 2000,
      ignore_eos: true,
      stream: true,
    } as never);
    let chunks = 0;
    for await (const _ of stream as unknown as AsyncIterable<unknown>) {
      if (++chunks === 3) {
        const busy = await engineGauges(server.url, model);
        expect(busy).toMatchObject({ running: 1, requestsRunning: 1, queued: 0 });
        // One sequence's KV tokens over the engine's KV budget.
        const engine = server.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
        expect(busy.kv).toBeGreaterThan(0);
        expect(busy.kvRatio).toBeCloseTo(busy.kv / engine.kvCacheTokens, 9);
        (stream as unknown as { controller: AbortController }).controller.abort();
        break;
      }
    }
    await waitFor(async () => {
      const g = await engineGauges(server.url, model);
      return g.running === 0 && g.queued === 0 && g.kv === 0;
    }, 5000);
    await waitFor(() => server.logs.some((l) => l.status === 499), 2000);
  });
});
