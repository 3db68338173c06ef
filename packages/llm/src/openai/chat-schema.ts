import { boolean, integer, type Schema, samplingProperties, string } from './schema-parts.js';

// Content parts are checked loosely here and precisely in `chat-messages.ts`, so that an
// image or audio part gets "not supported" by name rather than a vague schema mismatch.
const contentPart: Schema = {
  type: 'object',
  'x-expected': 'an object',
  required: ['type'],
  properties: { type: { type: 'string', 'x-expected': 'a string' } },
};

const message: Schema = {
  type: 'object',
  'x-expected': 'an object',
  required: ['role'],
  additionalProperties: false,
  properties: {
    role: { enum: ['system', 'developer', 'user', 'assistant', 'tool'] },
    content: {
      type: ['string', 'array', 'null'],
      'x-expected': 'a string or an array of content parts',
      items: contentPart,
    },
    name: string(),
    tool_call_id: string(),
    tool_calls: { type: ['array', 'null'], 'x-expected': 'an array', items: { type: 'object' } },
  },
};

/** JSON Schema of a `POST /chat/completions` body. */
export const chatSchema: Schema = {
  type: 'object',
  'x-expected': 'a JSON object',
  required: ['messages'],
  additionalProperties: false,
  properties: {
    ...samplingProperties,
    messages: { type: 'array', 'x-expected': 'an array of messages', minItems: 1, items: message },
    max_completion_tokens: integer({ minimum: 1 }),
    logprobs: boolean(),
    top_logprobs: integer({ minimum: 0, maximum: 20 }),
  },
};
