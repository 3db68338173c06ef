import { describe, expect, it } from 'vitest';
import type { ResponsesInputItem } from '../openai/responses-schema.js';
import { inputItemList, listedItem, withItemIds } from './input-items.js';

const items = (n: number): ResponsesInputItem[] =>
  Array.from({ length: n }, (_, i) => ({ id: `msg_${i}`, role: 'user', content: `m${i}` }));
const ids = (list: { data: object[] }) => list.data.map((item) => (item as { id: string }).id);

describe('withItemIds', () => {
  it('gives an id by type to items without one and keeps the ids items have', () => {
    const out = withItemIds([
      { role: 'user', content: 'hi' },
      { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'call_1', output: '42' },
      { type: 'message', role: 'assistant', content: 'ok', id: 'msg_kept' },
      { type: 'message', role: 'user', content: 'empty id', id: '' },
    ]);
    expect(out.map((i) => i.id!.replace(/[0-9a-f]{48}$/, 'HEX'))).toEqual([
      'msg_HEX',
      'fc_HEX',
      'fco_HEX',
      'msg_kept',
      'msg_HEX',
    ]);
    expect(out[0]).toEqual({ id: out[0]!.id, role: 'user', content: 'hi' });
    expect(new Set(out.map((i) => i.id)).size).toBe(5);
  });

  it('re-ids a later item that repeats an earlier id, so every id names one item', () => {
    const out = withItemIds([
      { id: 'msg_a', role: 'user', content: '1' },
      { id: 'msg_a', role: 'user', content: '2' },
    ]);
    expect(out[0]!.id).toBe('msg_a');
    expect(out[1]!.id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(out[1]!.content).toBe('2');
  });

  it('leaves the items it was given untouched', () => {
    const given: ResponsesInputItem[] = [{ role: 'user', content: 'hi' }];
    withItemIds(given);
    expect(given).toEqual([{ role: 'user', content: 'hi' }]);
  });
});

describe('listedItem', () => {
  it('lists messages with content parts and a status, as OpenAI does', () => {
    expect(listedItem({ id: 'msg_1', role: 'user', content: 'hi' })).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_text', text: 'hi' }],
    });
    expect(listedItem({ id: 'msg_2', type: 'message', role: 'assistant', content: 'ok' })).toEqual({
      id: 'msg_2',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'ok', annotations: [] }],
    });
    const parts = [{ type: 'input_text', text: 'a' }];
    expect(listedItem({ id: 'msg_3', role: 'developer', content: parts })).toEqual({
      id: 'msg_3',
      type: 'message',
      role: 'developer',
      status: 'completed',
      content: parts,
    });
  });

  it('keeps the status of an earlier output item and adds one to function items', () => {
    expect(
      listedItem({ id: 'msg_4', type: 'message', role: 'assistant', status: 'incomplete', content: [] }),
    ).toMatchObject({ status: 'incomplete' });
    expect(
      listedItem({ id: 'fc_1', type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }),
    ).toEqual({
      id: 'fc_1',
      type: 'function_call',
      call_id: 'c',
      name: 'f',
      arguments: '{}',
      status: 'completed',
    });
    expect(listedItem({ id: 'fco_1', type: 'function_call_output', call_id: 'c', output: '1' })).toEqual({
      id: 'fco_1',
      type: 'function_call_output',
      call_id: 'c',
      output: '1',
      status: 'completed',
    });
  });
});

describe('inputItemList', () => {
  it('pages newest first by default (desc) and in conversation order with asc', () => {
    expect(inputItemList(items(5), { limit: 20, order: 'desc' })).toEqual({
      object: 'list',
      data: [4, 3, 2, 1, 0].map((i) => listedItem(items(5)[i]!)),
      first_id: 'msg_4',
      last_id: 'msg_0',
      has_more: false,
    });
    expect(ids(inputItemList(items(5), { limit: 20, order: 'asc' })!)).toEqual([
      'msg_0',
      'msg_1',
      'msg_2',
      'msg_3',
      'msg_4',
    ]);
  });

  it('cuts pages at limit and continues after the given id until has_more is false', () => {
    const first = inputItemList(items(5), { limit: 2, order: 'desc' })!;
    expect([ids(first), first.first_id, first.last_id, first.has_more]).toEqual([
      ['msg_4', 'msg_3'],
      'msg_4',
      'msg_3',
      true,
    ]);
    const second = inputItemList(items(5), { limit: 2, order: 'desc', after: 'msg_3' })!;
    expect([ids(second), second.has_more]).toEqual([['msg_2', 'msg_1'], true]);
    const last = inputItemList(items(5), { limit: 2, order: 'desc', after: 'msg_1' })!;
    expect([ids(last), last.first_id, last.last_id, last.has_more]).toEqual([
      ['msg_0'],
      'msg_0',
      'msg_0',
      false,
    ]);
    const asc = inputItemList(items(5), { limit: 3, order: 'asc', after: 'msg_1' })!;
    expect([ids(asc), asc.has_more]).toEqual([['msg_2', 'msg_3', 'msg_4'], false]);
  });

  it('gives an empty page after the last item, and undefined for an id not in the list', () => {
    expect(inputItemList(items(2), { limit: 20, order: 'asc', after: 'msg_1' })).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: false,
    });
    expect(inputItemList(items(2), { limit: 20, order: 'asc', after: 'msg_9' })).toBeUndefined();
  });
});
