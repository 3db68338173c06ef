import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ai, createOpenAI, z, zodTextFormat } from './helpers/clients.js';
import { startLlmServer } from './helpers/llm-server.js';
import { BadRequestError, OpenAI } from './helpers/openai.js';
import { argsValid, timeParameters, Weather, weatherParameters } from './helpers/tool-fixtures.js';

/** Responses' flat function tools. */
const tools: OpenAI.Responses.FunctionTool[] = [
  {
    type: 'function',
    name: 'get_weather',
    description: 'Weather by city',
    parameters: weatherParameters,
    strict: true,
  },
  { type: 'function', name: 'get_time', parameters: timeParameters, strict: null },
];
/** The same tools in chat completions' nested shape. */
const chatTools: OpenAI.Chat.ChatCompletionTool[] = tools.map((t) => ({
  type: 'function',
  function: {
    name: t.name,
    parameters: t.parameters!,
    ...(t.description ? { description: t.description } : {}),
  },
}));
let server: Awaited<ReturnType<typeof startLlmServer>>;
let client: OpenAI;
beforeAll(async () => {
  server = await startLlmServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none', maxRetries: 0 });
}, 120_000);
afterAll(() => server?.stop());

const input = 'Weather in Oslo?';
type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of stream) events.push(e);
  return events;
}

/** The function-call events of a stream, checked against each other and the final response. */
function checkCallEvents(events: StreamEvent[], last: 'response.completed' | 'response.incomplete'): void {
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  const types = events.map((e) => e.type);
  expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
  expect(types.at(-1)).toBe(last);
  // Each call: one block of events, in this order.
  const block =
    'response.output_item.added (response.function_call_arguments.delta )+response.function_call_arguments.done response.output_item.done';
  expect(types.slice(2, -1).join(' ')).toMatch(new RegExp(`^${block}( ${block})*$`));
  const final = (events.at(-1) as OpenAI.Responses.ResponseCompletedEvent).response;
  const done = events.filter(
    (e): e is OpenAI.Responses.ResponseOutputItemDoneEvent => e.type === 'response.output_item.done',
  );
  expect(done.map((e) => e.item)).toEqual(final.output);
  for (const [i, e] of done.entries()) {
    const item = e.item as OpenAI.Responses.ResponseFunctionToolCall;
    const cut = last === 'response.incomplete' && i === done.length - 1;
    expect(item.status).toBe(cut ? 'incomplete' : 'completed');
    expect(e.output_index).toBe(i);
    const deltas = events.filter(
      (d): d is OpenAI.Responses.ResponseFunctionCallArgumentsDeltaEvent =>
        d.type === 'response.function_call_arguments.delta' && d.item_id === item.id,
    );
    for (const d of deltas) {
      expect(Object.keys(d).sort()).toEqual(['delta', 'item_id', 'output_index', 'sequence_number', 'type']);
    }
    expect(deltas.map((d) => d.delta).join('')).toBe(item.arguments);
    const argsDone = events.find(
      (d) => d.type === 'response.function_call_arguments.done' && d.item_id === item.id,
    ) as OpenAI.Responses.ResponseFunctionCallArgumentsDoneEvent;
    expect(Object.keys(argsDone).sort()).toEqual([
      'arguments',
      'item_id',
      'output_index',
      'sequence_number',
      'type',
    ]);
    expect(argsDone.arguments).toBe(item.arguments);
    if (!cut) {
      expect(deltas.length).toBeGreaterThan(2); // the arguments really stream
      expect(argsValid(item.name, item.arguments)).toBe(true);
    }
    const added = events.find(
      (a) => a.type === 'response.output_item.added' && a.item.id === item.id,
    ) as OpenAI.Responses.ResponseOutputItemAddedEvent;
    expect(added.item).toEqual({ ...item, arguments: '', status: 'in_progress' });
  }
}

describe('Responses text.format (the grammar chat completions use)', () => {
  it('responses.parse with zodTextFormat: parsed and valid at temperature 0 and 1', async () => {
    for (const temperature of [0, 1]) {
      const response = await client.responses.parse({
        model: 'tiny-llama',
        input,
        temperature,
        max_output_tokens: 200,
        text: { format: zodTextFormat(Weather, 'weather') },
      });
      expect(response.status).toBe('completed');
      expect(Weather.parse(response.output_parsed)).toEqual(JSON.parse(response.output_text));
      expect(response.text!.format).toMatchObject({ type: 'json_schema', name: 'weather', strict: true });
    }
  });

  it('greedy json_schema output equals chat completions with the same response_format', async () => {
    const schema = z.toJSONSchema(Weather) as Record<string, unknown>;
    const response = await client.responses.create({
      model: 'tiny-llama',
      input,
      temperature: 0,
      max_output_tokens: 200,
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
    });
    const chat = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: input }],
      temperature: 0,
      max_tokens: 200,
      response_format: { type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } },
    });
    expect(response.output_text).toBe(chat.choices[0]!.message.content);
    expect(response.usage!.output_tokens).toBe(chat.usage!.completion_tokens);
  });

  it('streams json_schema output whose deltas join into valid JSON; json_object gives an object', async () => {
    const events = await collect(
      await client.responses.create({
        model: 'tiny-llama',
        input,
        temperature: 1,
        max_output_tokens: 200,
        stream: true,
        text: { format: zodTextFormat(Weather, 'weather') },
      }),
    );
    const text = events
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => (e as OpenAI.Responses.ResponseTextDeltaEvent).delta)
      .join('');
    Weather.parse(JSON.parse(text));
    expect(events.at(-1)!.type).toBe('response.completed');
    const object = await client.responses.create({
      model: 'tiny-llama',
      input: 'JSON please',
      temperature: 1,
      max_output_tokens: 300,
      text: { format: { type: 'json_object' } },
    });
    // Unbounded values may run to the limit; a completed answer is one JSON object.
    if (object.status === 'completed') {
      const value = JSON.parse(object.output_text);
      expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
    } else {
      expect(object.output_text.trimStart().startsWith('{')).toBe(true);
    }
  });
});

describe('Responses function tools', () => {
  it('tool_choice required: function_call items with valid arguments, equal to chat completions greedy', async () => {
    const response = await client.responses.create({
      model: 'tiny-llama',
      input,
      temperature: 0,
      max_output_tokens: 200,
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(response.status).toBe('completed');
    expect(response.output).toHaveLength(1);
    const call = response.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    expect(Object.keys(call).sort()).toEqual(['arguments', 'call_id', 'id', 'name', 'status', 'type']);
    expect(call.type).toBe('function_call');
    expect(call.id).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(call.call_id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(call.status).toBe('completed');
    expect(argsValid(call.name, call.arguments)).toBe(true);
    expect(response.output_text).toBe('');
    expect(response.tools).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather by city',
        parameters: weatherParameters,
        strict: true,
      },
      // Responses functions are strict by default, as OpenAI echoes them.
      { type: 'function', name: 'get_time', description: null, parameters: timeParameters, strict: true },
    ]);
    expect(response.tool_choice).toBe('required');
    expect(response.parallel_tool_calls).toBe(false);

    const chat = await client.chat.completions.create({
      model: 'tiny-llama',
      messages: [{ role: 'user', content: input }],
      temperature: 0,
      max_tokens: 200,
      tools: chatTools,
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    const chatCall = chat.choices[0]!.message.tool_calls![0]!;
    if (chatCall.type !== 'function') throw new Error('not a function call');
    expect([call.name, call.arguments]).toEqual([chatCall.function.name, chatCall.function.arguments]);
  });

  it('a named tool_choice calls exactly that tool', async () => {
    const response = await client.responses.create({
      model: 'tiny-llama',
      input,
      temperature: 1,
      max_output_tokens: 200,
      tools,
      tool_choice: { type: 'function', name: 'get_time' },
    });
    expect(response.status).toBe('completed');
    const calls = response.output.filter((o) => o.type === 'function_call');
    expect(calls.map((c) => c.name)).toEqual(['get_time']);
    expect(argsValid('get_time', calls[0]!.arguments)).toBe(true);
  });

  it("streams function calls in OpenAI's event order: added, argument deltas, done, item done", async () => {
    // One call (completed), and greedy parallel calls that go on until max_output_tokens cuts the
    // last one (incomplete): every item still closes with its events.
    for (const parallel of [false, true]) {
      const events = await collect(
        await client.responses.create({
          model: 'tiny-llama',
          input,
          temperature: 0,
          max_output_tokens: 120,
          tools,
          tool_choice: 'required',
          parallel_tool_calls: parallel,
          stream: true,
        }),
      );
      checkCallEvents(events, parallel ? 'response.incomplete' : 'response.completed');
      const calls = events.filter((e) => e.type === 'response.output_item.done').length;
      if (parallel) expect(calls).toBeGreaterThan(1);
      else expect(calls).toBe(1);
    }
  });

  it('round trip: the output items and a function_call_output go back as input, rendered like chat tool messages', async () => {
    const first = await client.responses.create({
      model: 'tiny-llama',
      input: [{ role: 'user', content: input }],
      temperature: 0,
      max_output_tokens: 200,
      tools,
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    const call = first.output[0] as OpenAI.Responses.ResponseFunctionToolCall;
    const second = await client.responses.create({
      model: 'tiny-llama',
      input: [
        { role: 'user', content: input },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: call.call_id, output: '{"temperature": 21}' },
      ],
      temperature: 0,
      max_output_tokens: 6,
      tools,
    });
    expect(second.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens);
    const chat = await client.chat.completions.create({
      model: 'tiny-llama',
      temperature: 0,
      max_tokens: 6,
      tools: chatTools,
      messages: [
        { role: 'user', content: input },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } },
          ],
        },
        { role: 'tool', tool_call_id: call.call_id, content: '{"temperature": 21}' },
      ],
    });
    expect(second.usage!.input_tokens).toBe(chat.usage!.prompt_tokens);
    const message = chat.choices[0]!.message;
    expect(second.output_text).toBe(message.content ?? '');
    // An output given as text parts is the same tool message.
    const parts = await client.responses.create({
      model: 'tiny-llama',
      input: [
        { role: 'user', content: input },
        ...(first.output as OpenAI.Responses.ResponseInputItem[]),
        {
          type: 'function_call_output',
          call_id: call.call_id,
          output: [{ type: 'input_text', text: '{"temperature": 21}' }],
        },
      ],
      temperature: 0,
      max_output_tokens: 6,
      tools,
    });
    expect(parts.output_text).toBe(second.output_text);
  });

  it('refuses hosted tools, chat-shaped tools, bad schemas and choices with 400 and the param', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ tools: [{ type: 'web_search' }] }, 'tools[0].type', /"web_search" is not supported by Weft/],
      [
        { tools: [tools[0], { type: 'file_search', vector_store_ids: ['vs_1'] }] },
        'tools[1].type',
        /"file_search" is not supported by Weft/,
      ],
      [{ tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools[0].function', /are flat/],
      [{ tools: [tools[0], tools[0]] }, 'tools[1].name', /tool names must be unique/],
      [
        { tools: [{ type: 'function', name: 'f', parameters: { type: 'object', not: {} } }] },
        'tools[0].parameters',
        /unsupported keyword 'not'/,
      ],
      [{ tools, tool_choice: { type: 'function', name: 'nope' } }, 'tool_choice', /no tool named "nope"/],
      [{ tools, tool_choice: { type: 'web_search_preview' } }, 'tool_choice.type', /not supported by Weft/],
      [{ tool_choice: 'required' }, 'tool_choice', /only allowed when 'tools' are specified/],
      [
        {
          text: {
            format: { type: 'json_schema', name: 'x', schema: { type: 'array', uniqueItems: true } },
          },
        },
        'text.format.schema',
        /Invalid schema for text\.format 'x': unsupported keyword 'uniqueItems'/,
      ],
      [
        { text: { format: { type: 'json_schema', schema: { type: 'object' } } } },
        'text.format.name',
        /Missing required parameter/,
      ],
    ];
    // Within every static limit but seconds of compile: refused at the deadline, named text.format.
    cases.push([
      {
        text: {
          format: {
            type: 'json_schema',
            name: 'slow',
            schema: { type: 'string', pattern: '^((a{1,1000}b){1,1000}c){1,1000}$' },
          },
        },
      },
      'text.format',
      /compiling the grammar took longer than 2000 ms/,
    ]);
    for (const [patch, param, message] of cases) {
      const error = await client.responses
        .create({ model: 'tiny-llama', input, max_output_tokens: 4, ...patch } as never)
        .catch((e) => e);
      expect(error, JSON.stringify(patch)).toBeInstanceOf(BadRequestError);
      expect(error.param, JSON.stringify(patch)).toBe(param);
      expect(error.message, JSON.stringify(patch)).toMatch(message);
    }
    const ok = await client.responses.create({ model: 'tiny-llama', input, max_output_tokens: 2 });
    expect(ok.status).not.toBe('failed');
  });
});

describe('Vercel AI SDK default OpenAI provider (@ai-sdk/openai 3 over Responses)', () => {
  const model = () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'none' })('tiny-llama');
  const getWeather = ai.tool({
    description: 'Weather by city',
    inputSchema: z.object({ city: z.string().max(8), days: z.number().int().min(1).max(7) }),
    execute: async ({ city }: { city: string }) => ({ city, temperature: 21 }),
  });

  it('generateText with Output.object gives a valid object (text.format json_schema)', async () => {
    const result = await ai.generateText({
      model: model(),
      prompt: input,
      temperature: 0,
      maxOutputTokens: 200,
      output: ai.Output.object({ schema: Weather }),
    });
    expect(Weather.parse(result.output)).toEqual(JSON.parse(result.text));
  });

  it('streamText with Output.object streams partial objects that end in a valid one', async () => {
    const result = ai.streamText({
      model: model(),
      prompt: input,
      temperature: 1,
      maxOutputTokens: 200,
      output: ai.Output.object({ schema: Weather }),
    });
    const partials: object[] = [];
    for await (const partial of result.partialOutputStream) partials.push(partial as object);
    expect(partials.length).toBeGreaterThan(3); // field by field, not in one piece
    expect(partials.at(-1)).toEqual(Weather.parse(await result.output));
  });

  it('earlier assistant text: sent as an item with store: false; as an item_reference by default (an unknown one is a 400)', async () => {
    const messages = [
      { role: 'user' as const, content: 'Hi' },
      {
        role: 'assistant' as const,
        // What the SDK keeps from an earlier Weft response.
        content: [
          { type: 'text' as const, text: 'Hello.', providerOptions: { openai: { itemId: 'msg_1' } } },
        ],
      },
      { role: 'user' as const, content: input },
    ];
    const ok = await ai.generateText({
      model: model(),
      messages,
      maxOutputTokens: 4,
      providerOptions: { openai: { store: false } },
    });
    expect(ok.usage.outputTokens).toBeGreaterThan(0);
    const refused = await ai.generateText({ model: model(), messages, maxOutputTokens: 4 }).catch((e) => e);
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.responseBody).error).toMatchObject({
      param: 'input[1].id',
      code: 'item_not_found',
    });
    expect(refused.responseBody).toContain("Item with id 'msg_1' not found");
  });

  /** One required call of get_weather, greedy. */
  const callWeather = () =>
    ({
      model: model(),
      prompt: input,
      temperature: 0,
      maxOutputTokens: 200,
      tools: { get_weather: getWeather },
      toolChoice: 'required',
      providerOptions: { openai: { parallelToolCalls: false } },
    }) as const;

  it('generateText with a tool: a valid call, executed, its result sent back as function_call_output', async () => {
    const result = await ai.generateText({
      ...callWeather(),
      // Step 2 sends the call and its result back; 'none' lets the model answer in text.
      prepareStep: ({ stepNumber }) => (stepNumber === 1 ? { toolChoice: 'none' } : {}),
      stopWhen: ai.stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    const [call] = result.steps[0]!.toolCalls;
    expect(call!.toolName).toBe('get_weather');
    expect(argsValid('get_weather', JSON.stringify(call!.input))).toBe(true);
    expect(call!.toolCallId).toMatch(/^call_[0-9a-f]{24}$/);
    expect(result.steps[0]!.toolResults[0]!.output).toEqual({
      city: (call!.input as { city: string }).city,
      temperature: 21,
    });
    expect(result.steps[0]!.finishReason).toBe('tool-calls');
    expect(result.steps[1]!.toolCalls).toEqual([]);
    expect(result.steps[1]!.usage.inputTokens).toBeGreaterThan(result.steps[0]!.usage.inputTokens!);
  });

  it('streamText with a tool streams the call input in pieces, then the call', async () => {
    const result = ai.streamText(callWeather());
    const parts: { type: string; delta?: string; input?: unknown; id?: string; toolCallId?: string }[] = [];
    for await (const part of result.fullStream) parts.push(part as (typeof parts)[number]);
    const kinds = parts.map((p) => p.type).filter((t) => t.startsWith('tool-'));
    expect(kinds[0]).toBe('tool-input-start');
    expect(kinds.filter((k) => k === 'tool-input-delta').length).toBeGreaterThan(2);
    expect(kinds.slice(-3)).toEqual(['tool-input-end', 'tool-call', 'tool-result']);
    const streamed = parts
      .filter((p) => p.type === 'tool-input-delta')
      .map((p) => p.delta)
      .join('');
    const call = parts.find((p) => p.type === 'tool-call')!;
    expect(JSON.parse(streamed)).toEqual(call.input);
    expect(argsValid('get_weather', streamed)).toBe(true);
  });
});
