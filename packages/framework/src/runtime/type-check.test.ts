import { describe, expect, it } from 'vitest';
import { t } from '../calculator/port-type.js';
import { checkValue } from './type-check.js';

describe('checkValue', () => {
  it('uses the type check of primitive types', () => {
    expect(checkValue(t.number(), 3)).toBeUndefined();
    expect(checkValue(t.number(), '3')).toBe('expected number, got string');
  });

  it('checks JSON ports against their schema', () => {
    const type = t.json('Point', {
      type: 'object',
      properties: { x: { type: 'number' } },
      required: ['x'],
      additionalProperties: false,
    } as const);
    expect(checkValue(type, { x: 1 })).toBeUndefined();
    expect(checkValue(type, { x: 'one' })).toBe('/x must be number');
    expect(checkValue(type, {})).toBe("value must have required property 'x'");
  });
});
