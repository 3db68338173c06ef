import { integer, nullable, responseFormat, type Schema, samplingProperties } from './schema-parts.js';

/** JSON Schema of a `POST /completions` body (fields we support; see `unsupported-fields.ts`). */
export const completionsSchema: Schema = {
  type: 'object',
  'x-expected': 'a JSON object',
  required: ['prompt'],
  additionalProperties: false,
  properties: {
    ...samplingProperties,
    prompt: {
      'x-expected': 'a string, an array of strings, or an array of token ids',
      anyOf: [
        { type: 'string' },
        { type: 'array', minItems: 1, items: { type: 'string' } },
        { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } },
        {
          type: 'array',
          minItems: 1,
          items: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0 } },
        },
      ],
    },
    logprobs: integer({ minimum: 0, maximum: 5 }),
    echo: nullable({ type: 'boolean' }, 'a boolean'),
    response_format: responseFormat,
  },
};
