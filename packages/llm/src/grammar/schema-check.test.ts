import { describe, expect, it } from 'vitest';
import { checkJsonSchema, SchemaError } from './schema-check.js';

const errorOf = (schema: unknown) => {
  try {
    checkJsonSchema(schema, { maxBytes: 2000, maxDepth: 4, maxRepeat: 100 });
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return { at: (e as SchemaError).at, keyword: (e as SchemaError).keyword, message: (e as Error).message };
  }
};

describe('checkJsonSchema', () => {
  it('accepts what the clients send: draft-07 with definitions, 2020-12 with $defs and titles', () => {
    expect(
      errorOf({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        properties: { a: { $ref: '#/definitions/A' }, b: { type: ['string', 'null'], format: 'date' } },
        required: ['a', 'b'],
        additionalProperties: false,
        definitions: { A: { anyOf: [{ type: 'integer', minimum: 0, maximum: 9 }, { const: 'x' }] } },
      }),
    ).toBeUndefined();
    expect(
      errorOf({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Out',
        type: 'object',
        properties: { items: { title: 'Items', type: 'array', items: { $ref: '#/$defs/I' }, maxItems: 3 } },
        $defs: { I: { title: 'I', type: 'string', pattern: '^[a-z]+$', maxLength: 5 } },
      }),
    ).toBeUndefined();
  });

  it('refuses keywords it cannot enforce, by name and place', () => {
    expect(
      errorOf({ type: 'object', properties: { a: { type: 'array', uniqueItems: true } } }),
    ).toMatchObject({
      at: '#/properties/a',
      keyword: 'uniqueItems',
    });
    expect(errorOf({ type: 'object', patternProperties: {} })?.keyword).toBe('patternProperties');
    expect(errorOf({ type: 'strin' })).toMatchObject({
      keyword: 'type',
      message: `invalid 'type' at #: "strin" is not a JSON schema type (object, array, string, number, integer, boolean, null)`,
    });
    expect(errorOf({ type: 'string', format: 'phone' })?.keyword).toBe('format');
  });

  it('refuses patterns and references the grammar cannot take', () => {
    expect(errorOf({ type: 'string', pattern: '(a' })?.keyword).toBe('pattern');
    expect(errorOf({ type: 'string', pattern: '(?=a)b' })?.message).toContain(
      'lookaround or a backreference',
    );
    expect(errorOf({ $ref: 'https://example.com/s.json' })?.keyword).toBe('$ref');
    expect(errorOf({ $ref: '#/$defs/missing' })?.message).toBe(
      `invalid '$ref' at #: "#/$defs/missing" points to nothing in the schema`,
    );
  });

  it('bounds size, depth and repetition', () => {
    expect(errorOf({ type: 'string', maxLength: 101 })?.message).toBe(
      `invalid 'maxLength' at #: 101 is larger than the limit 100`,
    );
    expect(
      errorOf({ items: { items: { items: { items: { items: { type: 'string' } } } } } })?.message,
    ).toContain('deeper than 4');
    expect(errorOf({ enum: ['x'.repeat(3000)] })?.message).toMatch(
      /^the schema is \d+ bytes; at most 2000 are accepted$/,
    );
  });
});
