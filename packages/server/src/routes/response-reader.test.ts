import { describe, expect, it } from 'vitest';
import { ResponseReader } from './response-reader.js';

const head = (stream: boolean) => ({ kind: 'head', stream });
const chunk = { kind: 'chunk', data: { ok: true } };
const usage = { kind: 'usage', promptTokens: 3, completionTokens: 2 };
const end = { kind: 'end' };
const error = { kind: 'error', code: 'WEFT_ERR_ENGINE_QUEUE_FULL', message: 'full', param: null };

/** Reads the packets in order; returns the message of the protocol error, if any. */
function read(...packets: unknown[]): string | undefined {
  const reader = new ResponseReader('g');
  try {
    for (const p of packets) reader.read(p);
    reader.finish();
    return undefined;
  } catch (e) {
    expect((e as { code?: string }).code).toBe('WEFT_ERR_SERVER_NO_RESPONSE');
    return (e as Error).message;
  }
}

describe('ResponseReader', () => {
  it('accepts the answers the protocol allows', () => {
    expect(read(error)).toBeUndefined();
    expect(read(head(false), chunk, usage, end)).toBeUndefined();
    expect(read(head(true), chunk, chunk, usage, end)).toBeUndefined();
    expect(read(head(true), end)).toBeUndefined();
    expect(read(head(true), chunk, error)).toBeUndefined();
    expect(read(head(false), error)).toBeUndefined();
  });

  it('names the rule a graph broke', () => {
    const why = (...p: unknown[]) => read(...p)?.replace('graph "g" broke the graph protocol: ', '');
    expect(why(chunk)).toBe('a "chunk" before the "head" packet');
    expect(why(head(false), chunk, chunk, end)).toBe('a second "chunk" in an answer with stream: false');
    expect(why(head(false), end)).toBe('"end" without the body chunk (stream: false)');
    expect(why(head(true), end, chunk)).toBe('a "chunk" packet after the answer ended');
    expect(why(head(true), usage, usage)).toBe('a second "usage" packet');
    expect(why(head(true), chunk)).toBe('RESPONSE closed without an "end" or "error" packet');
    expect(why({ kind: 'chunck', data: 1 })).toBe('unknown packet kind "chunck" (did you mean "chunk"?)');
    expect(why({ status: 200, body: {} })).toBe('a packet without a string "kind": {"status":200,"body":{}}');
    expect(why({ kind: 'head', stream: 'yes' })).toBe('"head" packet: stream must be a boolean');
    expect(why(head(true), { kind: 'chunk', data: 1, tokens: -1 })).toBe(
      '"chunk" packet: tokens must be a non-negative integer',
    );
    expect(why({ kind: 'error', code: 'oops', message: 'm', param: null })).toBe(
      '"error" packet: code must be a WEFT_ERR_... code',
    );
    expect(read()).toBe('graph "g" finished without a RESPONSE packet');
  });
});
