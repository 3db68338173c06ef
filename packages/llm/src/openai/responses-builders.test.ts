import { describe, expect, test } from 'vitest';
import { type ResponsesEcho, ResponsesWriter } from './responses-builders.js';

const echo: ResponsesEcho = {
  instructions: null,
  maxOutputTokens: 4,
  temperature: 1,
  topP: 1,
  metadata: {},
  user: null,
  textFormat: { type: 'text' },
  toolChoice: 'auto',
  tools: [],
  parallelToolCalls: true,
  truncation: 'disabled',
  store: false,
  previousResponseId: null,
};
type Event = { type: string; sequence_number: number; [key: string]: unknown };
const types = (events: object[]) => events.map((e) => (e as Event).type);
const usage = { input: 3, output: 2 };

describe('ResponsesWriter', () => {
  test('a text stream: opened, deltas, closed — in OpenAI order, sequence numbers counting from 0', () => {
    const w = new ResponsesWriter('resp_1', 100, 'm', echo);
    const { events: closing, response } = (() => {
      const head = [...w.start(), ...w.write('Hel'), ...w.write(''), ...w.write('lo')];
      const end = w.finish('stop', usage);
      return { events: [...head, ...end.events], response: end.response };
    })();
    const events = closing as Event[];
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const itemId = (events[2]!.item as { id: string }).id;
    expect(itemId).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(events[6]).toEqual({
      type: 'response.output_text.done',
      sequence_number: 6,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text: 'Hello',
      logprobs: [],
    });
    expect(events[9]!.response).toBe(response);
    expect(response).toMatchObject({
      id: 'resp_1',
      object: 'response',
      created_at: 100,
      status: 'completed',
      incomplete_details: null,
      output: [
        {
          id: itemId,
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello', annotations: [], logprobs: [] }],
        },
      ],
      usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
    });
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [], usage: null } });
  });

  test('text cut by max_output_tokens ends as response.incomplete, the item incomplete', () => {
    const w = new ResponsesWriter('resp_2', 1, 'm', echo);
    w.write('abcd');
    const { events, response } = w.finish('length', { input: 1, output: 4 });
    expect(response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      max_output_tokens: 4,
      output: [{ type: 'message', status: 'incomplete' }],
    });
    expect(types(events).at(-1)).toBe('response.incomplete');
  });

  test('no output at all is one empty message', () => {
    const w = new ResponsesWriter('resp_3', 1, 'm', echo);
    const { events, response } = w.finish('stop', { input: 1, output: 1 });
    expect(types(events)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response).toMatchObject({ output: [{ type: 'message', content: [{ text: '' }] }] });
  });

  test('text then two calls: a message item, then one function_call item per call, arguments in pieces', () => {
    const w = new ResponsesWriter('resp_4', 1, 'm', echo);
    const events = [
      ...w.write('Let me check.'),
      ...w.write('\n', [{ index: 0, id: 'call_a', name: 'get_weather', arguments: '{"ci' }]),
      ...w.write('', [{ index: 0, arguments: 'ty": "Oslo"}' }]),
      ...w.write('', [{ index: 1, id: 'call_b', name: 'get_time', arguments: '{}' }]),
    ] as Event[];
    const end = w.finish('tool_calls', usage);
    const all = [...events, ...(end.events as Event[])];
    expect(types(all)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const added = all[7]!;
    const fcId = (added.item as { id: string }).id;
    expect(fcId).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(added).toEqual({
      type: 'response.output_item.added',
      sequence_number: 7,
      output_index: 1,
      item: {
        type: 'function_call',
        id: fcId,
        call_id: 'call_a',
        name: 'get_weather',
        arguments: '',
        status: 'in_progress',
      },
    });
    expect(all[9]).toEqual({
      type: 'response.function_call_arguments.delta',
      sequence_number: 9,
      item_id: fcId,
      output_index: 1,
      delta: 'ty": "Oslo"}',
    });
    expect(all[10]).toEqual({
      type: 'response.function_call_arguments.done',
      sequence_number: 10,
      item_id: fcId,
      output_index: 1,
      arguments: '{"city": "Oslo"}',
    });
    expect(end.response).toMatchObject({
      status: 'completed',
      output: [
        { type: 'message', status: 'completed', content: [{ text: 'Let me check.\n' }] },
        {
          type: 'function_call',
          id: fcId,
          call_id: 'call_a',
          name: 'get_weather',
          arguments: '{"city": "Oslo"}',
          status: 'completed',
        },
        { type: 'function_call', call_id: 'call_b', name: 'get_time', arguments: '{}', status: 'completed' },
      ],
    });
  });

  test('whitespace alone before a call opens no message; pieces of the open call come before new text', () => {
    const w = new ResponsesWriter('resp_5', 1, 'm', echo);
    w.write('\n ');
    w.write('', [{ index: 0, id: 'call_a', name: 'f', arguments: '{"a": ' }]);
    w.write('after', [{ index: 0, arguments: '1}' }]);
    const { response } = w.finish('stop', usage);
    expect((response as { output: object[] }).output).toMatchObject([
      { type: 'function_call', arguments: '{"a": 1}' },
      { type: 'message', content: [{ text: 'after' }] },
    ]);
  });

  test('a call cut by max_output_tokens is incomplete', () => {
    const w = new ResponsesWriter('resp_6', 1, 'm', echo);
    w.write('', [{ index: 0, id: 'call_a', name: 'f', arguments: '{"a": ' }]);
    const { response } = w.finish('length', usage);
    expect(response).toMatchObject({
      status: 'incomplete',
      output: [{ type: 'function_call', arguments: '{"a": ', status: 'incomplete' }],
    });
  });
});
