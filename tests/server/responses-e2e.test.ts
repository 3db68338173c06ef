import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ai, createOpenAI } from './helpers/clients.js';
import { startDefaultGraphs } from './helpers/graph-server.js';
import { BadRequestError, OpenAI } from './helpers/openai.js';

let server: Awaited<ReturnType<typeof startDefaultGraphs>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startDefaultGraphs({ llama: true, embed: false });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
});
afterAll(() => server?.stop());

const OPENING = [
  'response.created',
  'response.in_progress',
  'response.output_item.added',
  'response.content_part.added',
];
const CLOSING = ['response.output_text.done', 'response.content_part.done', 'response.output_item.done'];

/** Greedy chat completion text for the same conversation: what a Responses answer must equal. */
async function chatText(messages: OpenAI.Chat.ChatCompletionMessageParam[], max: number): Promise<string> {
  const chat = await client.chat.completions.create({
    model: 'tiny-llama',
    messages,
    max_tokens: max,
    temperature: 0,
  });
  return chat.choices[0]!.message.content!;
}

describe('/v1/responses with the official openai client', () => {
  it('answers with a response object: the greedy text of the same chat, usage, echoed settings', async () => {
    const response = await client.responses.create({
      model: 'tiny-llama',
      instructions: 'Answer briefly.',
      input: 'Hello there',
      max_output_tokens: 12,
      temperature: 0,
      metadata: { run: 'e2e' },
    });
    const expected = await chatText(
      [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Hello there' },
      ],
      12,
    );
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.output_text).toBe(expected);
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant' });
    expect(response.instructions).toBe('Answer briefly.');
    expect(response.max_output_tokens).toBe(12);
    expect(response.metadata).toEqual({ run: 'e2e' });
    expect((response as unknown as { store: boolean }).store).toBe(true);
    expect(response.usage!.output_tokens).toBeGreaterThan(0);
    expect(response.usage!.output_tokens).toBeLessThanOrEqual(12);
    expect(response.usage!.total_tokens).toBe(response.usage!.input_tokens + response.usage!.output_tokens);
    if (response.usage!.output_tokens === 12) {
      expect(response.status).toBe('incomplete');
      expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    } else {
      expect(response.status).toBe('completed');
    }
  });

  it('streams the typed events in OpenAI order, with sequence numbers, deltas adding up to the text', async () => {
    const stream = await client.responses.create({
      model: 'tiny-llama',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Tell me a story' }] }],
      max_output_tokens: 10,
      temperature: 0,
      stream: true,
    });
    const events: {
      type: string;
      sequence_number: number;
      delta?: string;
      text?: string;
      response?: { output_text?: string; usage?: { output_tokens: number } | null; status?: string };
    }[] = [];
    for await (const event of stream) events.push(event as (typeof events)[number]);
    const types = events.map((e) => e.type);
    const deltas = types.filter((t) => t === 'response.output_text.delta').length;
    expect(deltas).toBeGreaterThan(0);
    expect(types).toEqual([
      ...OPENING,
      ...Array(deltas).fill('response.output_text.delta'),
      ...CLOSING,
      events.at(-1)!.response!.status === 'completed' ? 'response.completed' : 'response.incomplete',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events
      .filter((e) => e.delta !== undefined)
      .map((e) => e.delta)
      .join('');
    expect(events.find((e) => e.type === 'response.output_text.done')!.text).toBe(text);
    expect(text).toBe(await chatText([{ role: 'user', content: 'Tell me a story' }], 10));
    expect(events.at(-1)!.response!.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('input items: roles, function_call and function_call_output render like the chat messages', async () => {
    const response = await client.responses.create({
      model: 'tiny-llama',
      input: [
        { role: 'developer', content: 'You are terse.' },
        { role: 'user', content: 'What is the weather?' },
        { type: 'function_call', call_id: 'call_1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'It is sunny.' }] } as never,
        { role: 'user', content: 'Thanks' },
      ],
      max_output_tokens: 8,
      temperature: 0,
    });
    const expected = await chatText(
      [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'What is the weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        { role: 'assistant', content: 'It is sunny.' },
        { role: 'user', content: 'Thanks' },
      ],
      8,
    );
    expect(response.output_text).toBe(expected);
  });

  it('refuses bad requests with the OpenAI error shape and param, and keeps serving', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { input: 'x', previous_response_id: 'resp_1' },
        'previous_response_id',
        /Previous response with id 'resp_1' not found/,
      ],
      [{ input: [] }, 'input', /0 items given, at least 1 required|Invalid/],
      [
        { input: [{ role: 'robot', content: 'x' }] },
        'input[0].role',
        /Invalid value for 'input\[0\]\.role': "robot"/,
      ],
      [{ input: [{ type: 'item_reference', id: 'x' }] }, 'input[0].id', /Item with id 'x' not found/],
      [
        { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] },
        'input[0].content[0].type',
        /image input is not supported/,
      ],
      [
        { input: 'x', max_output_tokens: 100000 },
        'max_output_tokens',
        /maximum context length is \d+ tokens/,
      ],
      [{ input: 'x', reasoning: { effort: 'low' } }, 'reasoning', /reasoning models are not served here/],
      [
        { input: 'x', frequency_penalty: 1 },
        'frequency_penalty',
        /Unrecognized request argument supplied: frequency_penalty/,
      ],
    ];
    for (const [extra, param, message] of cases) {
      const error = await client.responses.create({ model: 'tiny-llama', ...extra } as never).catch((e) => e);
      expect(error, JSON.stringify(extra)).toBeInstanceOf(BadRequestError);
      expect(error.param, JSON.stringify(extra)).toBe(param);
      expect(error.message).toMatch(message);
    }
    const ok = await client.responses.create({
      model: 'tiny-llama',
      input: 'still here',
      max_output_tokens: 2,
    });
    expect(ok.usage!.output_tokens).toBeGreaterThan(0);
  });
});

describe('Vercel AI SDK default OpenAI provider (@ai-sdk/openai, Responses API)', () => {
  const provider = () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none' });

  it('generateText gives the greedy text', async () => {
    const result = await ai.generateText({
      model: provider()('tiny-llama'),
      prompt: 'Once upon a time',
      maxOutputTokens: 10,
      temperature: 0,
    });
    expect(result.text).toBe(await chatText([{ role: 'user', content: 'Once upon a time' }], 10));
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('streamText streams the same text', async () => {
    const result = ai.streamText({
      model: provider()('tiny-llama'),
      system: 'Be kind.',
      prompt: 'Hello',
      maxOutputTokens: 10,
      temperature: 0,
    });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe(
      await chatText(
        [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hello' },
        ],
        10,
      ),
    );
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });
});
