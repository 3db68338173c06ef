/**
 * Building blocks for the request-body JSON Schemas. Optional fields accept `null` (several
 * OpenAI clients send `null` for "not set"); `x-expected` carries the words used in type errors.
 */
export type Schema = Record<string, unknown>;

export const nullable = (schema: Schema, expected: string): Schema => ({
  ...schema,
  type: [schema.type as string, 'null'],
  'x-expected': expected,
});

export const numberIn = (min: number, max: number): Schema =>
  nullable({ type: 'number', minimum: min, maximum: max }, 'a number');

export const integer = (extra: Schema = {}): Schema => nullable({ type: 'integer', ...extra }, 'an integer');

export const boolean = (): Schema => nullable({ type: 'boolean' }, 'a boolean');

export const string = (extra: Schema = {}): Schema => nullable({ type: 'string', ...extra }, 'a string');

/** JSON numbers that survive a round trip through a double exactly. */
export const SAFE_INTEGER = { minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER } as const;

/** Sampling fields shared by both endpoints (OpenAI's plus vLLM's well-known extensions). */
export const samplingProperties: Record<string, Schema> = {
  // Checked once, by the server, which picked this graph by it (the graph reads GraphRequest.model).
  model: {},
  max_tokens: integer({ minimum: 1 }),
  temperature: numberIn(0, 2),
  top_p: nullable({ type: 'number', exclusiveMinimum: 0, maximum: 1 }, 'a number'),
  top_k: integer({ minimum: -1 }),
  min_p: numberIn(0, 1),
  n: integer({ minimum: 1, maximum: 16 }),
  best_of: integer({ minimum: 1, maximum: 16 }),
  use_beam_search: boolean(),
  length_penalty: nullable({ type: 'number' }, 'a number'),
  stop: {
    type: ['string', 'array', 'null'],
    'x-expected': 'a string or an array of strings',
    minLength: 1,
    maxItems: 16,
    items: { type: 'string', minLength: 1, 'x-expected': 'a string' },
  },
  stream: boolean(),
  stream_options: {
    type: ['object', 'null'],
    'x-expected': 'an object',
    additionalProperties: false,
    properties: { include_usage: boolean() },
  },
  seed: integer(SAFE_INTEGER),
  presence_penalty: numberIn(-2, 2),
  frequency_penalty: numberIn(-2, 2),
  repetition_penalty: nullable({ type: 'number', exclusiveMinimum: 0 }, 'a number'),
  logit_bias: {
    type: ['object', 'null'],
    'x-expected': 'an object mapping token ids to numbers',
    propertyNames: { pattern: '^(0|[1-9][0-9]{0,9})$' },
    additionalProperties: { type: 'number', minimum: -100, maximum: 100, 'x-expected': 'a number' },
  },
  min_tokens: integer({ minimum: 0 }),
  ignore_eos: boolean(),
  include_stop_str_in_output: boolean(),
  skip_special_tokens: boolean(),
  user: string(),
};

/** A function or format name, as OpenAI restricts it. */
export const functionName: Schema = {
  type: 'string',
  pattern: '^[a-zA-Z0-9_-]{1,64}$',
  'x-expected': 'a name of letters, digits, underscores and dashes (1 to 64 characters)',
};

/** `response_format` (both endpoints; the schema itself is checked by the grammar engine). */
export const responseFormat: Schema = {
  type: ['object', 'null'],
  'x-expected': 'an object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: { enum: ['text', 'json_object', 'json_schema'] },
    json_schema: {
      type: 'object',
      'x-expected': 'an object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: functionName,
        description: { type: 'string', 'x-expected': 'a string' },
        schema: { type: 'object', 'x-expected': 'a JSON schema object' },
        strict: boolean(),
      },
    },
  },
};
