import {
  boolean,
  functionName,
  integer,
  responseFormat,
  type Schema,
  samplingProperties,
  string,
} from './schema-parts.js';

// Content parts are checked loosely here and precisely in `chat-messages.ts`, so that an
// image or audio part gets "not supported" by name rather than a vague schema mismatch.
const contentPart: Schema = {
  type: 'object',
  'x-expected': 'an object',
  required: ['type'],
  properties: { type: { type: 'string', 'x-expected': 'a string' } },
};

const toolCall: Schema = {
  type: 'object',
  'x-expected': 'an object',
  required: ['function'],
  properties: {
    id: { type: 'string', 'x-expected': 'a string' },
    type: { const: 'function' },
    function: {
      type: 'object',
      'x-expected': 'an object',
      required: ['name', 'arguments'],
      properties: {
        name: { type: 'string', 'x-expected': 'a string' },
        arguments: { type: 'string', 'x-expected': 'a string (JSON text)' },
      },
    },
  },
};

const tool: Schema = {
  type: 'object',
  'x-expected': 'an object',
  required: ['type', 'function'],
  additionalProperties: false,
  properties: {
    type: { const: 'function' },
    function: {
      type: 'object',
      'x-expected': 'an object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: functionName,
        description: { type: 'string', 'x-expected': 'a string' },
        parameters: { type: 'object', 'x-expected': 'a JSON schema object' },
        strict: boolean(),
      },
    },
  },
};

const toolChoice: Schema = {
  'x-expected': '"none", "auto", "required" or {"type": "function", "function": {"name": ...}}',
  anyOf: [
    { type: 'null' },
    { enum: ['none', 'auto', 'required'] },
    {
      type: 'object',
      required: ['type', 'function'],
      additionalProperties: false,
      properties: {
        type: { const: 'function' },
        function: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string' } },
        },
      },
    },
  ],
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
    tool_calls: { type: ['array', 'null'], 'x-expected': 'an array', items: toolCall },
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
    response_format: responseFormat,
    tools: { type: ['array', 'null'], 'x-expected': 'an array of tools', maxItems: 128, items: tool },
    tool_choice: toolChoice,
    parallel_tool_calls: boolean(),
  },
};
