import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureModelDir } from '@weft/llm';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedWeft, serveWeft } from '../../tests/examples/serve-weft.js';
import { streamChat } from './chat-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let weft: ServedWeft;
let client: OpenAI;

beforeAll(async () => {
  // graphs/tiny-llama.yaml serves models/tiny-llama; build it as `pnpm start` would.
  await ensureModelDir(join(root, 'models', 'tiny-llama'), { arch: 'llama', preset: 'tiny', seed: 0 });
  weft = await serveWeft(
    ['--graphs', 'graphs', '--port', '0', '--api-key', 'secret', '--log-level', 'warn'],
    root,
  );
  client = new OpenAI({ baseURL: `${weft.url}/v3`, apiKey: 'secret', maxRetries: 0 });
});

afterAll(async () => {
  expect(await weft.stop()).toBe(0);
});

describe('05-serve-openai', () => {
  it('serves graphs/ and lists each graph as a model', async () => {
    expect(weft.stdout()).toBe(`listening on ${weft.url}\n`);
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('tiny-llama');
  });

  it('streams a chat completion whose text equals the non-streamed one (greedy)', async () => {
    const streamed = await streamChat(client, 'tiny-llama', 'Tell me a story.');
    expect(streamed.finishReason).toBe('length');
    expect(streamed.usage?.completion_tokens).toBe(16);
    expect(streamed.usage?.total_tokens).toBe((streamed.usage?.prompt_tokens ?? 0) + 16);
    expect(streamed.pieces.length).toBeGreaterThan(1);

    const whole = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Tell me a story.' },
      ],
      max_tokens: 16,
      temperature: 0,
    });
    expect(whole.choices[0]?.message.content).toBe(streamed.text);
    expect(whole.usage).toEqual(streamed.usage);
  });

  it('works with the SDK default /v1 base URL and rejects a wrong key with AuthenticationError', async () => {
    const v1 = new OpenAI({ baseURL: `${weft.url}/v1`, apiKey: 'secret', maxRetries: 0 });
    const completion = await v1.completions.create({
      model: 'tiny-llama',
      prompt: 'Hi',
      max_tokens: 3,
      temperature: 0,
    });
    expect(completion.usage?.completion_tokens).toBe(3);
    const wrong = new OpenAI({ baseURL: `${weft.url}/v3`, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
