import { fileURLToPath } from 'node:url';
import OpenAI, { BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedWeft, serveWeft } from '../../tests/examples/serve-weft.js';

// `weft serve --graphs examples/07-rest-extension/graphs --allow-modules examples/07-rest-extension/calculators --port 0`,
// in-process so the test can stop it. The graph's modules live beside its folder, so they are allowed by name.
const root = fileURLToPath(new URL('../..', import.meta.url));
let weft: ServedWeft;
let client: OpenAI;

beforeAll(async () => {
  weft = await serveWeft(
    [
      '--graphs',
      'examples/07-rest-extension/graphs',
      '--allow-modules',
      'examples/07-rest-extension/calculators',
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    root,
  );
  client = new OpenAI({ baseURL: `${weft.url}/v3`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  expect(await weft.stop()).toBe(0);
});

describe('07-rest-extension: a rule bot served through weft serve', () => {
  it('prints exactly the listening line', () => {
    expect(weft.stdout()).toBe(`listening on ${weft.url}\n`);
    expect(weft.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists the graph as a model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['rule-bot']);
  });

  it('answers a chat completion, not streamed', async () => {
    const completion = await client.chat.completions.create({
      model: 'rule-bot',
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Hi, my name is Ada' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: 'Hello! I am a rule bot served by Weft.' },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 });
  });

  it('streams a chat completion word by word, with usage last', async () => {
    const stream = await client.chat.completions.create({
      model: 'rule-bot',
      messages: [{ role: 'user', content: 'my name is Grace' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    const finish: (string | null)[] = [];
    let usage: unknown;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice) finish.push(choice.finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces).toEqual(['Nice', ' to', ' meet', ' you,', ' Grace!']);
    expect(finish).toEqual([null, null, null, null, null, null, 'stop']);
    expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
  });

  it('answers /v3/completions too, with the fallback when no rule matches', async () => {
    const completion = await client.completions.create({ model: 'rule-bot', prompt: 'tell me a joke' });
    expect(completion.choices[0]?.text).toBe('Sorry, I have no rule for that.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it("rejects a request the graph refuses with the SDK's 400 error and the parameter", async () => {
    const error = await client.chat.completions
      .create({ model: 'rule-bot', messages: [{ role: 'system', content: 'no user here' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).param).toBe('messages');
    expect((error as BadRequestError).message).toContain('"messages" has no message with role "user"');
  });
});
