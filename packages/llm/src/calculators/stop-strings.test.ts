import { describe, expect, it } from 'vitest';
import { StopStringBuffer } from './stop-strings.js';

const feed = (buf: StopStringBuffer, pieces: string[]) => pieces.map((p) => buf.push(p));

describe('StopStringBuffer', () => {
  it('passes text through without stop strings', () => {
    const b = new StopStringBuffer([], false);
    expect(feed(b, ['a', 'b'])).toEqual(['a', 'b']);
    expect(b.flush()).toBe('');
  });

  it('holds back a possible prefix and releases it when it turns out not to be one', () => {
    const b = new StopStringBuffer(['END'], false);
    expect(feed(b, ['The E', 'N', 'x more'])).toEqual(['The ', '', 'ENx more']);
    expect(b.stopped).toBe(false);
  });

  it('catches a stop string split across pieces and never shows any of it', () => {
    const b = new StopStringBuffer(['END'], false);
    expect(feed(b, ['ab E', 'N', 'D tail', 'more'])).toEqual(['ab ', '', '', '']);
    expect(b.stopped).toBe(true);
    expect(b.matched).toBe('END');
    expect(b.flush()).toBe('');
  });

  it('includes the stop string when asked, and drops what follows it', () => {
    const b = new StopStringBuffer(['END'], true);
    expect(feed(b, ['x E', 'ND y'])).toEqual(['x ', 'END']);
  });

  it('takes the earliest of several stop strings', () => {
    const b = new StopStringBuffer(['world', 'o w'], false);
    expect(b.push('hello world')).toBe('hell');
    expect(b.matched).toBe('o w');
  });

  it('flushes held text at the end of a sequence that did not stop', () => {
    const b = new StopStringBuffer(['\n\n'], false);
    expect(b.push('line\n')).toBe('line');
    expect(b.flush()).toBe('\n');
  });

  it('handles a stop string longer than every piece', () => {
    const b = new StopStringBuffer(['abcdef'], false);
    expect(feed(b, ['xa', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual(['x', '', '', '', '', '', '']);
    expect(b.stopped).toBe(true);
  });
});
