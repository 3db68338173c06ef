import { describe, expect, it } from 'vitest';
import { ResponseStore, type StoredResponse } from './response-store.js';

const record = (id: string, outputId = `msg_${id}`): StoredResponse => ({
  response: {
    id,
    output: [
      { id: outputId, type: 'message', role: 'assistant', content: [{ type: 'output_text', text: id }] },
    ],
  },
  input: [{ type: 'message', role: 'user', content: `q ${id}`, id: `in_${id}` }],
});

function storeWithClock(maxResponses: number, ttlMs: number) {
  const clock = { t: 1000 };
  return { clock, store: new ResponseStore({ maxResponses, ttlMs, now: () => clock.t }) };
}

describe('ResponseStore', () => {
  it('keeps at most maxResponses, evicting the least recently used', () => {
    const { store } = storeWithClock(2, 60_000);
    store.put(record('a'));
    store.put(record('b'));
    expect(store.get('a')?.response.id).toBe('a'); // a is now more recent than b
    store.put(record('c'));
    expect(store.size).toBe(2);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.response.id).toBe('a');
    expect(store.get('c')?.response.id).toBe('c');
  });

  it('forgets responses ttlMs after creation, even when they were read meanwhile', () => {
    const { clock, store } = storeWithClock(10, 1000);
    store.put(record('a'));
    clock.t += 600;
    store.put(record('b'));
    expect(store.get('a')).toBeDefined();
    clock.t += 400; // a is 1000 ms old: expired; b is 400 ms old
    expect(store.get('a')).toBeUndefined();
    expect(store.item('msg_a')).toBeUndefined();
    expect(store.conversation('b')).toHaveLength(2);
    expect(store.size).toBe(1);
    clock.t += 600;
    expect(store.size).toBe(0);
  });

  it('gives the conversation (input then output) and items by id, of outputs and inputs', () => {
    const { store } = storeWithClock(10, 1000);
    store.put(record('a'));
    expect(store.conversation('a')).toEqual([...record('a').input, ...record('a').response.output]);
    expect(store.item('msg_a')).toEqual(record('a').response.output[0]);
    expect(store.item('in_a')).toEqual(record('a').input[0]);
    expect(store.item('msg_x')).toBeUndefined();
    expect(store.conversation('x')).toBeUndefined();
  });

  it('stores every input item with an id, so that items sent without one can be listed and referenced', () => {
    const { store } = storeWithClock(10, 1000);
    store.put({ response: { id: 'a', output: [] }, input: [{ role: 'user', content: 'hi' }] });
    const [item] = store.get('a')!.input;
    expect(item).toEqual({ id: expect.stringMatching(/^msg_[0-9a-f]{48}$/), role: 'user', content: 'hi' });
    expect(store.item(item!.id!)).toBe(item);
  });

  it('deletes: true once, then false; a deleted response and its items are gone', () => {
    const { store } = storeWithClock(10, 1000);
    store.put(record('a'));
    expect(store.delete('a')).toBe(true);
    expect(store.delete('a')).toBe(false);
    expect(store.get('a')).toBeUndefined();
    expect(store.item('msg_a')).toBeUndefined();
  });
});
