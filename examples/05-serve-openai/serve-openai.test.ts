import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '@weft/framework';
import { ensureModelDir } from '@weft/llm';
import { type RunningServer, serveCommand } from '@weft/server';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamChat } from './chat-client.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const stop = new AbortController();
let stdout = '';
let server: RunningServer;
let exited: Promise<number>;
let client: OpenAI;

beforeAll(async () => {
  // graphs/tiny-llama.yaml serves models/tiny-llama; build it as `pnpm start` would.
  await ensureModelDir(join(root, 'models', 'tiny-llama'), { arch: 'llama', preset: 'tiny', seed: 0 });
  const io: CliIo = {
    cwd: root,
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => {},
  };
  // `weft serve --graphs graphs --port 0 --api-key secret`, in-process so the test can stop it.
  server = await new Promise<RunningServer>((resolve, reject) => {
    exited = serveCommand(
      ['--graphs', 'graphs', '--port', '0', '--api-key', 'secret', '--log-level', 'warn'],
      io,
      { signal: stop.signal, onListening: resolve },
    );
    exited.then((code) => reject(new Error(`weft serve exited with ${code} before listening`)), reject);
  });
  client = new OpenAI({ baseURL: `${server.url}/v3`, apiKey: 'secret', maxRetries: 0 });
});

afterAll(async () => {
  stop.abort();
  expect(await exited).toBe(0);
});

describe('05-serve-openai', () => {
  it('serves graphs/ and lists each graph as a model', async () => {
    expect(stdout).toBe(`listening on ${server.url}\n`);
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
    const v1 = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'secret', maxRetries: 0 });
    const completion = await v1.completions.create({
      model: 'tiny-llama',
      prompt: 'Hi',
      max_tokens: 3,
      temperature: 0,
    });
    expect(completion.usage?.completion_tokens).toBe(3);
    const wrong = new OpenAI({ baseURL: `${server.url}/v3`, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
