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
};
const types = (events: object[]) => events.map((e) => (e as { type: string }).type);

describe('ResponsesWriter', () => {
  test('a stream is opened, deltas, closed — in OpenAI order, sequence numbers counting from 0', () => {
    const w = new ResponsesWriter('resp_1', 100, 'm', echo);
    const events = [
      ...w.opening(),
      w.delta('Hel'),
      w.delta(''),
      w.delta('lo'),
      ...w.closing('stop', { input: 3, output: 2 }),
    ].filter((e) => e !== undefined) as object[];
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
    expect(events.map((e) => (e as { sequence_number: number }).sequence_number)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(events[6]).toMatchObject({ text: 'Hello', item_id: w.itemId, output_index: 0, content_index: 0 });
    expect(events[9]).toMatchObject({
      response: {
        id: 'resp_1',
        object: 'response',
        created_at: 100,
        status: 'completed',
        incomplete_details: null,
        output: [
          {
            id: w.itemId,
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Hello' }],
          },
        ],
        usage: { input_tokens: 3, output_tokens: 2, total_tokens: 5 },
      },
    });
    expect(events[0]).toMatchObject({ response: { status: 'in_progress', output: [], usage: null } });
  });

  test('text cut by max_output_tokens ends as response.incomplete', () => {
    const w = new ResponsesWriter('resp_2', 1, 'm', echo);
    w.append('abcd');
    const final = w.final('length', { input: 1, output: 4 });
    expect(final).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      max_output_tokens: 4,
    });
    expect(types(w.closing('length', { input: 1, output: 4 })).at(-1)).toBe('response.incomplete');
  });
});
