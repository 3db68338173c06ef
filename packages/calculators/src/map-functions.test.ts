import { describe, expect, test } from 'vitest';
import { builtinMapFunctions } from './builtin-map-functions.js';
import { MapFunctionRegistry, mapFunctions } from './map-functions.js';

const info = (args?: unknown) => ({
  timestamp: 0,
  args,
  nodeName: 'n',
  signal: new AbortController().signal,
});

describe('MapFunctionRegistry', () => {
  test('refuses a different function under a taken name, accepts the same one again', () => {
    const registry = new MapFunctionRegistry();
    const double = (v: number) => v * 2;
    registry.register('double', double).register('double', double);
    expect(() => registry.register('double', (v: number) => v + v)).toThrow(
      expect.objectContaining({ code: 'WEFT_ERR_DUPLICATE_MAP_FUNCTION' }),
    );
    expect(registry.names()).toEqual(['double']);
  });

  test('rejects names that are not lower_snake', () => {
    expect(() => new MapFunctionRegistry().register('Double It', (v) => v)).toThrow(
      'map function name "Double It" must be lower_snake',
    );
  });

  test('suggests the closest name, or nothing when none is close', () => {
    expect(mapFunctions.closest('to_uper')).toBe('to_upper');
    expect(mapFunctions.closest('TRIM')).toBe('trim');
    expect(mapFunctions.closest('completely_different')).toBeUndefined();
  });

  test('the default registry holds the built-in functions', () => {
    expect(mapFunctions.names()).toEqual(Object.keys(builtinMapFunctions).sort());
  });
});

describe('built-in map functions', () => {
  const f = builtinMapFunctions;
  test.each([
    ['identity', { a: 1 }, undefined, { a: 1 }],
    ['to_string', { a: 1 }, undefined, '{"a":1}'],
    ['to_string', 'text', undefined, 'text'],
    ['parse_json', '[1,2]', undefined, [1, 2]],
    ['to_upper', 'abc', undefined, 'ABC'],
    ['to_lower', 'ABC', undefined, 'abc'],
    ['trim', '  x ', undefined, 'x'],
    ['length', [1, 2, 3], undefined, 3],
    ['add', 2, 3, 5],
    ['multiply', 2, 1.5, 3],
    ['get', { choices: [{ text: 'hi' }] }, 'choices.0.text', 'hi'],
    ['get', { choices: [] }, 'choices.0.text', undefined],
  ])('%s(%j, args %j) = %j', (name, value, args, expected) => {
    expect(f[name]!(value, info(args))).toEqual(expected);
  });

  test('add and get explain a missing or wrong args', () => {
    expect(() => f.add!(1, info('x'))).toThrow(
      'map function "add" needs a number in `args`, got "x"; e.g. args: 2',
    );
    expect(() => f.get!({}, info(3))).toThrow('map function "get" needs a dotted path in `args`, got 3');
  });
});
