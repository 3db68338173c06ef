import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, BadRequestError, NotFoundError, OpenAI } from './helpers/openai.js';
import { getJson, startTestServer, type TestServer, waitFor } from './helpers/test-server.js';

let server: TestServer;
let client: OpenAI;
beforeAll(async () => {
  server = await startTestServer([{ name: 'echo' }, { name: 'slow', tokenDelayMs: 100 }], {
    apiKey: 'sk-sdk',
  });
  client = new OpenAI({ baseURL: `${server.url}/v3`, apiKey: 'sk-sdk', maxRetries: 0 });
});
afterAll(() => server.stop());

const running = async (model: string) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`weft_running_sequences\\{model="${model}"\\} (\\d+)`).exec(text)?.[1]);
};

describe('the official openai client against Weft', () => {
  it('creates completions and chat completions with /v1 and /v3 base URLs', async () => {
    for (const base of ['/v1', '/v3']) {
      const c = new OpenAI({ baseURL: `${server.url}${base}`, apiKey: 'sk-sdk', maxRetries: 0 });
      const completion = await c.completions.create({ model: 'echo', prompt: 'hello world' });
      expect(completion.choices[0]!.text).toBe('you said: hello world');
      expect(completion.usage).toEqual({ prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 });
      const chat = await c.chat.completions.create({
        model: 'echo',
        messages: [{ role: 'user', content: 'hey' }],
      });
      expect(chat.choices[0]!.message).toEqual({ role: 'assistant', content: 'you said: hey' });
      expect(chat.choices[0]!.finish_reason).toBe('stop');
    }
  });

  it('streams chat with include_usage and completions without it', async () => {
    const stream = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'one two' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: unknown;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('you said: one two');
    expect(usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });

    const plain = await client.completions.create({ model: 'echo', prompt: 'z', stream: true });
    const chunks = [];
    for await (const chunk of plain) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.text).join('')).toBe('you said: z');
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
  });

  it('supports n, stop, seed and logprobs', async () => {
    const two = await client.completions.create({ model: 'echo', prompt: 'p', n: 2 });
    expect(two.choices.map((c) => [c.index, c.text])).toEqual([
      [0, 'you said: p'],
      [1, 'you said: p'],
    ]);
    const stopped = await client.completions.create({ model: 'echo', prompt: 'a b c', stop: [' b'] });
    expect(stopped.choices[0]).toMatchObject({ text: 'you said: a', finish_reason: 'stop' });
    const seeded = await Promise.all(
      [1, 2].map(() => client.completions.create({ model: 'echo', prompt: 's', seed: 7, max_tokens: 2 })),
    );
    expect(seeded[0]!.choices[0]).toMatchObject({ text: 'you said:', finish_reason: 'length' });
    expect(seeded[1]!.choices[0]!.text).toBe(seeded[0]!.choices[0]!.text);
    const withLogprobs = await client.completions.create({ model: 'echo', prompt: 'q', logprobs: 1 });
    expect(withLogprobs.choices[0]!.logprobs?.tokens).toEqual(['you', ' said:', ' q']);
    const chatLogprobs = await client.chat.completions.create({
      model: 'echo',
      messages: [{ role: 'user', content: 'r' }],
      logprobs: true,
    });
    expect(chatLogprobs.choices[0]!.logprobs?.content?.map((t) => t.token)).toEqual(['you', ' said:', ' r']);
  });

  it('raises the SDK error classes for 400, 401 and 404', async () => {
    const bad = await client.completions
      .create({ model: 'echo', prompt: 'x', n: 99 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).param).toBe('n');
    const anon = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    const unauthorized = await anon.models.list().catch((e: unknown) => e);
    expect(unauthorized).toBeInstanceOf(AuthenticationError);
    expect((unauthorized as AuthenticationError).code).toBe('invalid_api_key');
    const missing = await client.completions.create({ model: 'gpt-9', prompt: 'x' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).code).toBe('model_not_found');
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['echo', 'slow']);
  });

  it('frees the engine at once when a stream is aborted mid-way', async () => {
    const stream = await client.completions.create({
      model: 'slow',
      prompt: 'a b c d e f g h i j k l m n o p',
      max_tokens: 18,
      stream: true,
    });
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.text) received++;
      if (received === 2) {
        expect(await running('slow')).toBe(1);
        stream.controller.abort();
        break;
      }
    }
    const abortedAt = Date.now();
    await waitFor(async () => (await running('slow')) === 0, 2000);
    // 16 more tokens at 100 ms would take 1.6 s: the run was cancelled, not finished.
    expect(Date.now() - abortedAt).toBeLessThan(1200);
    await waitFor(() => server.logs.some((l) => l.status === 499 && l.model === 'slow'), 2000);
    expect(server.logs.find((l) => l.status === 499)).toMatchObject({
      clientClosed: true,
      endpoint: 'completions',
    });
    const after = await getJson(`${server.url}/v3/models`, { authorization: 'Bearer sk-sdk' });
    expect(after.status).toBe(200);
  });
});
