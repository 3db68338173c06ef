import { describe, expect, it } from 'vitest';
import { closest, editDistance, suggest } from './did-you-mean.js';

describe('did-you-mean', () => {
  it('computes edit distance with adjacent transpositions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('input_stream', 'inptu_stream')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests close names only', () => {
    expect(closest('PassThruCalculator', ['PassThroughCalculator', 'GateCalculator'])).toBe(
      'PassThroughCalculator',
    );
    expect(closest('NoSuchCalculator', ['ModelCalculator', 'GateCalculator'])).toBeUndefined();
    expect(closest('TXT', ['TEXT', 'EXTRA'])).toBe('TEXT');
    expect(closest('passthroughcalculator', ['PassThroughCalculator'])).toBe('PassThroughCalculator');
  });

  it('lists the allowed values when nothing is close', () => {
    expect(suggest('zzz', ['a', 'b'])).toBe(' (expected one of "a", "b")');
    expect(suggest('lable', ['label'])).toBe(' (did you mean "label"?)');
    expect(suggest('x', [])).toBe('');
  });
});
