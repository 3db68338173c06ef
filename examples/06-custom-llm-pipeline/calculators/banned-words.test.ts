import { describe, expect, it } from 'vitest';
import { BannedWordScanner } from './banned-words.js';

describe('BannedWordScanner', () => {
  it('redacts words split across pushes, ignoring case, and holds back only a possible prefix', () => {
    const s = new BannedWordScanner(['secret', 'key'], 'redact', '[redacted]');
    expect(s.push('the Sec')).toEqual({ text: 'the ', hit: undefined });
    expect(s.push('RET is a k')).toEqual({ text: '[redacted] is a ', hit: undefined });
    expect(s.push('ite, a ke')).toEqual({ text: 'kite, a ', hit: undefined });
    expect(s.push('y!')).toEqual({ text: '[redacted]!', hit: undefined });
    expect(s.push(' sec')).toEqual({ text: ' ', hit: undefined });
    expect(s.flush()).toBe('sec');
  });

  it('in stop mode cuts the text before the first banned word and names it', () => {
    const s = new BannedWordScanner(['Pattern'], 'stop', '');
    expect(s.push('a pat')).toEqual({ text: 'a ', hit: undefined });
    expect(s.push('tern and more pattern')).toEqual({ text: '', hit: 'Pattern' });
    expect(s.flush()).toBe('');
  });

  it('passes text through when the list is empty', () => {
    const s = new BannedWordScanner([], 'stop', '');
    expect(s.push('anything at all')).toEqual({ text: 'anything at all', hit: undefined });
  });
});
