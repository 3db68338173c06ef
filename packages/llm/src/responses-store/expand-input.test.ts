import { describe, expect, it } from 'vitest';
import type { ResponsesBody } from '../openai/responses-schema.js';
import { expandInput } from './expand-input.js';
import { ResponseStore } from './response-store.js';

const answer = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  content: [{ type: 'output_text', text: 'Hi!' }],
};
const call = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' };

function filledStore(): ResponseStore {
  const store = new ResponseStore({ maxResponses: 10, ttlMs: 60_000 });
  store.put({
    response: { id: 'resp_1', output: [answer, call] },
    input: [{ role: 'user', content: 'Hello' }],
  });
  return store;
}

const body = (fields: Partial<ResponsesBody>): ResponsesBody => ({ model: 'm', input: 'x', ...fields });

/** The thrown error's code, param and message. */
function refusal(run: () => unknown): { code: string; param: string | null; message: string } {
  try {
    run();
  } catch (error) {
    const e = error as { code: string; param: string | null; message: string };
    return { code: e.code, param: e.param, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('expandInput', () => {
  it('puts the stored conversation (input, then output) before the new input', () => {
    // The store gave the input message an id of its own (input_items lists items by id).
    expect(expandInput(body({ previous_response_id: 'resp_1', input: 'Next' }), filledStore())).toEqual({
      chain: [
        { id: expect.stringMatching(/^msg_[0-9a-f]{48}$/), role: 'user', content: 'Hello' },
        answer,
        call,
      ],
      items: [{ type: 'message', role: 'user', content: 'Next' }],
    });
  });

  it('replaces item_reference items in place, keeping the others', () => {
    const input = [
      { role: 'user', content: 'a' },
      { type: 'item_reference', id: 'fc_1' },
    ];
    expect(expandInput(body({ input }), filledStore())).toEqual({ chain: [], items: [input[0], call] });
  });

  it('refuses unknown ids with the OpenAI codes and params', () => {
    const store = filledStore();
    expect(refusal(() => expandInput(body({ previous_response_id: 'resp_x' }), store))).toEqual({
      code: 'WEFT_ERR_PREVIOUS_RESPONSE_NOT_FOUND',
      param: 'previous_response_id',
      message: expect.stringMatching(/^Previous response with id 'resp_x' not found\./),
    });
    const input = [
      { role: 'user', content: 'a' },
      { type: 'item_reference', id: 'msg_x' },
    ];
    expect(refusal(() => expandInput(body({ input }), store))).toMatchObject({
      code: 'WEFT_ERR_ITEM_NOT_FOUND',
      param: 'input[1].id',
    });
    expect(refusal(() => expandInput(body({ input: [{ type: 'item_reference' }] }), store))).toMatchObject({
      code: 'WEFT_ERR_REQUEST_MISSING_PARAMETER',
      param: 'input[0].id',
    });
  });

  it('without a store (a graph with no ResponseStoreCalculator) both are a 400 naming the fix', () => {
    expect(refusal(() => expandInput(body({ previous_response_id: 'resp_1' }), undefined))).toMatchObject({
      code: 'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      param: 'previous_response_id',
      message: expect.stringContaining('no ResponseStoreCalculator'),
    });
    const input = [{ type: 'item_reference', id: 'msg_1' }];
    expect(refusal(() => expandInput(body({ input }), undefined))).toMatchObject({
      code: 'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
      param: 'input[0].type',
    });
  });
});
