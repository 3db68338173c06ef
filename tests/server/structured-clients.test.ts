import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ai,
  ChatOpenAI,
  createOpenAICompatible,
  langchainTool as lcTool,
  z,
  zodResponseFormat,
} from './helpers/clients.js';
import { startLlmServer } from './helpers/llm-server.js';
import { BadRequestError, OpenAI } from './helpers/openai.js';
import { argsValid, timeParameters, Weather, weatherParameters } from './helpers/tool-fixtures.js';

const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', description: 'Weather by city', parameters: weatherParameters },
  },
  {
    type: 'function' as const,
    function: {
      name: 'get_time',
      parameters: timeParameters,
    },
  },
];
let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
let baseURL: string;
beforeAll(async () => {
  server = await startLlmServer();
  baseURL = `${server.url}/v1`;
  client = new OpenAI({ baseURL, apiKey: 'none', maxRetries: 0 });
}, 120_000);
afterAll(() => server?.stop());

const messages = [{ role: 'user' as const, content: 'Weather in Oslo?' }];

describe('openai client', () => {
  it('chat.completions.parse with a zod schema: parsed and valid, several seeds, temperature 0 and 1', async () => {
    for (const temperature of [0, 1]) {
      for (const seed of [1, 2, 3]) {
        const completion = await client.chat.completions.parse({
          model: 'tiny-llama',
          messages,
          temperature,
          seed,
          max_tokens: 200,
          response_format: zodResponseFormat(Weather, 'weather'),
        });
        const choice = completion.choices[0]!;
        expect(choice.finish_reason).toBe('stop');
        expect(Weather.parse(choice.message.parsed)).toEqual(JSON.parse(choice.message.content!));
      }
    }
  });

  it('streams json_schema output that parses once joined; json_object gives an object', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages,
      seed: 4,
      max_tokens: 200,
      stream: true,
      response_format: zodResponseFormat(Weather, 'weather'),
    });
    let text = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(finish).toBe('stop');
    Weather.parse(JSON.parse(text));
    const completion = await client.completions.create({
      model: 'tiny-llama',
      prompt: 'JSON:',
      seed: 5,
      max_tokens: 300,
      // vLLM's extension: response_format on /completions.
      ...({
        response_format: { type: 'json_schema', json_schema: { name: 'w', schema: z.toJSONSchema(Weather) } },
      } as object),
    });
    Weather.parse(JSON.parse(completion.choices[0]!.text));
  });

  it('required tools: valid calls, content null, finish tool_calls; a named tool finishes with stop', async () => {
    for (const seed of [1, 2]) {
      const r = await client.chat.completions.create({
        model: 'tiny-llama',
        messages,
        seed,
        max_tokens: 200,
        tools,
        tool_choice: 'required',
      });
      const choice = r.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls!.length).toBeGreaterThan(0);
      for (const call of choice.message.tool_calls!) {
        if (call.type !== 'function') throw new Error('not a function call');
        expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
        expect(argsValid(call.function.name, call.function.arguments)).toBe(true);
      }
    }
    const named = await client.chat.completions.create({
      model: 'tiny-llama',
      messages,
      seed: 3,
      max_tokens: 200,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
      parallel_tool_calls: false,
    });
    expect(named.choices[0]!.finish_reason).toBe('stop');
    const calls = named.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : ''))).toEqual(['get_time']);
  });

  it('streams tool calls as OpenAI does: id, type and name first, then argument pieces; no markup in content', async () => {
    const stream = await client.chat.completions.create({
      model: 'tiny-llama',
      messages,
      seed: 6,
      temperature: 1,
      max_tokens: 200,
      tools,
      tool_choice: 'required',
      stream: true,
    });
    const calls: { id: string; name: string; arguments: string; pieces: number }[] = [];
    let content = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      content += delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      for (const d of delta?.tool_calls ?? []) {
        if (!calls[d.index]) {
          expect(d.id).toMatch(/^call_/);
          expect(d.type).toBe('function');
          calls[d.index] = { id: d.id!, name: d.function!.name!, arguments: '', pieces: 0 };
        } else {
          expect(d.id).toBeUndefined();
          expect(d.function?.name).toBeUndefined();
        }
        calls[d.index]!.arguments += d.function?.arguments ?? '';
        calls[d.index]!.pieces++;
      }
    }
    expect(content).toBe('');
    expect(finish).toBe('tool_calls');
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) {
      expect(argsValid(c.name, c.arguments)).toBe(true);
      expect(c.pieces).toBeGreaterThan(2); // arguments arrive in pieces, not in one chunk
    }
  });

  it('a call cut by max_tokens ends with length', async () => {
    const r = await client.chat.completions.create({
      model: 'tiny-llama',
      messages,
      seed: 1,
      max_tokens: 8,
      tools,
      tool_choice: 'required',
    });
    expect(r.choices[0]!.finish_reason).toBe('length');
    expect(r.choices[0]!.message.content ?? '').not.toContain('<tool_call>');
  });

  it('takes the tool result in a follow-up turn', async () => {
    const first = await client.chat.completions.create({
      model: 'tiny-llama',
      messages,
      seed: 2,
      max_tokens: 200,
      tools,
      tool_choice: 'required',
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    const second = await client.chat.completions.create({
      model: 'tiny-llama',
      seed: 2,
      max_tokens: 5,
      tools,
      messages: [
        ...messages,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' },
      ],
    });
    expect(second.choices[0]!.message.role).toBe('assistant');
    expect(second.usage!.prompt_tokens).toBeGreaterThan(first.usage!.prompt_tokens);
  });

  it('refuses bad schemas and tool choices with 400 and the param', async () => {
    const cases: [object, string][] = [
      [
        {
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'x',
              schema: { type: 'object', properties: { a: { type: 'array', uniqueItems: true } } },
            },
          },
        },
        'response_format.json_schema.schema',
      ],
      [{ tools, tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice'],
      [{ tool_choice: 'required' }, 'tool_choice'],
      [{ tools: [tools[0], tools[0]] }, 'tools[1].function.name'],
    ];
    for (const [patch, param] of cases) {
      const error = await client.chat.completions
        .create({ model: 'tiny-llama', messages, max_tokens: 4, ...patch } as never)
        .catch((e) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.param).toBe(param);
    }
    // Within every static limit, but seconds of compile: refused at the deadline, the server serves on.
    const started = performance.now();
    const slow = await client.chat.completions
      .create({
        model: 'tiny-llama',
        messages,
        max_tokens: 4,
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'slow',
            schema: { type: 'string', pattern: '^((a{1,1000}b){1,1000}c){1,1000}$' },
          },
        },
      })
      .catch((e) => e);
    expect(slow).toBeInstanceOf(BadRequestError);
    expect(slow.param).toBe('response_format');
    expect(slow.message).toContain('compiling the grammar took longer than 2000 ms');
    expect(performance.now() - started).toBeLessThan(15_000);
    const ok = await client.chat.completions.create({ model: 'tiny-llama', messages, max_tokens: 2 });
    expect(ok.choices).toHaveLength(1);
  });
});

describe('Vercel AI SDK (ai 6 + @ai-sdk/openai-compatible 2)', () => {
  it('generateObject and streamObject give valid objects', async () => {
    const weft = createOpenAICompatible({ name: 'weft', baseURL, supportsStructuredOutputs: true });
    for (const seed of [1, 2]) {
      const { object } = await ai.generateObject({
        model: weft('tiny-llama'),
        schema: Weather,
        prompt: 'Weather in Oslo?',
        seed,
        maxOutputTokens: 200,
      });
      Weather.parse(object);
    }
    const result = ai.streamObject({
      model: weft('tiny-llama'),
      schema: Weather,
      prompt: 'Weather?',
      seed: 3,
      temperature: 0,
      maxOutputTokens: 200,
    });
    // The SDK's stream must be read for the object to settle.
    const partials: object[] = [];
    for await (const partial of result.partialObjectStream) partials.push(partial);
    expect(partials.length).toBeGreaterThan(3); // the object really streamed, field by field
    expect(partials.at(-1)).toEqual(Weather.parse(await result.object));
  });
});

describe('LangChain (@langchain/openai 1)', () => {
  const model = () =>
    new ChatOpenAI({
      model: 'tiny-llama',
      apiKey: 'none',
      configuration: { baseURL },
      maxTokens: 200,
      maxRetries: 0,
    });

  it('withStructuredOutput returns a valid object', async () => {
    const structured = model().withStructuredOutput(Weather, { name: 'weather', method: 'jsonSchema' });
    Weather.parse(await structured.invoke('Weather in Oslo?', { callbacks: [] }));
  });

  it('bindTools with tool_choice required gives valid tool calls', async () => {
    const getWeather = lcTool(async () => 'sunny', {
      name: 'get_weather',
      description: 'Weather by city',
      schema: z.object({ city: z.string().regex(/^[a-z]{1,8}$/), days: z.number().int().min(1).max(7) }),
    });
    const message = await model()
      .bindTools([getWeather], { tool_choice: 'required' })
      .invoke('Weather in Oslo?');
    expect(message.tool_calls!.length).toBeGreaterThan(0);
    for (const call of message.tool_calls!) {
      expect(call.name).toBe('get_weather');
      expect(argsValid('get_weather', JSON.stringify(call.args))).toBe(true);
    }
  });
});
