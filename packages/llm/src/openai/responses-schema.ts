import { boolean, functionName, integer, nullable, numberIn, type Schema, string } from './schema-parts.js';

/** One item of a Responses `input` array, as validated (details checked in responses-input.ts). */
export interface ResponsesInputItem {
  type?: string;
  role?: string;
  content?: string | { type: string; text?: string }[];
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: string | { type: string; text?: string }[];
  id?: string;
  status?: string;
}

/** `text.format`: free text, any JSON object, or JSON valid for `schema` (flat, unlike chat's). */
export interface ResponsesTextFormat {
  type: 'text' | 'json_object' | 'json_schema';
  name?: string;
  description?: string;
  schema?: Record<string, unknown>;
  strict?: boolean | null;
}

/** One of `tools`: a function (flat: `name` beside `type`) or a hosted tool Weft refuses by type. */
export interface ResponsesTool {
  type: string;
  name?: string;
  description?: string | null;
  parameters?: Record<string, unknown> | null;
  strict?: boolean | null;
}

/** A `POST /responses` body as validated. */
export interface ResponsesBody {
  model: string;
  input: string | ResponsesInputItem[];
  instructions?: string | null;
  max_output_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stream?: boolean | null;
  store?: boolean | null;
  previous_response_id?: string | null;
  metadata?: Record<string, string> | null;
  text?: { format?: ResponsesTextFormat | null } | null;
  tools?: ResponsesTool[] | null;
  tool_choice?: 'none' | 'auto' | 'required' | { type: string; name?: string } | null;
  parallel_tool_calls?: boolean | null;
  truncation?: 'disabled' | 'auto' | null;
  user?: string | null;
  include?: string[] | null;
}

// Hosted tool types are refused by name in responses-structured.ts; a function tool is checked here.
const tool: Schema = {
  type: 'object',
  'x-expected': 'a tool',
  required: ['type'],
  properties: { type: { type: 'string', 'x-expected': 'a string' } },
  if: { properties: { type: { const: 'function' } } },
  // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword, not a promise.
  then: {
    required: ['name'],
    additionalProperties: false,
    properties: {
      type: {},
      name: functionName,
      description: string(),
      parameters: { type: ['object', 'null'], 'x-expected': 'a JSON schema object' },
      strict: boolean(),
    },
  },
};

const textFormat: Schema = {
  type: ['object', 'null'],
  'x-expected': 'an object',
  required: ['type'],
  additionalProperties: false,
  properties: {
    type: {
      enum: ['text', 'json_schema', 'json_object'],
      'x-expected': "'text', 'json_schema' or 'json_object'",
    },
    name: functionName,
    description: { type: 'string', 'x-expected': 'a string' },
    schema: { type: 'object', 'x-expected': 'a JSON schema object' },
    strict: boolean(),
  },
};

const item: Schema = {
  type: 'object',
  'x-expected': 'an input item (a message, function_call or function_call_output)',
  properties: {
    type: { type: 'string', 'x-expected': 'a string' },
    role: { type: 'string', 'x-expected': 'a string' },
    content: {
      type: ['string', 'array'],
      'x-expected': 'a string or an array of content parts',
      items: {
        type: 'object',
        'x-expected': 'a content part',
        required: ['type'],
        properties: { type: { type: 'string', 'x-expected': 'a string' } },
      },
    },
  },
};

/**
 * JSON Schema of a `POST /responses` body (OpenAI's Responses API: the fields Weft implements;
 * `unsupported-fields.ts` names the others). Items are checked in detail by responses-input.ts.
 */
export const responsesSchema: Schema = {
  type: 'object',
  'x-expected': 'a JSON object',
  required: ['model', 'input'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, 'x-expected': 'a string' },
    input: {
      'x-expected': 'a string or an array of input items',
      anyOf: [{ type: 'string' }, { type: 'array', minItems: 1, items: item }],
    },
    instructions: string(),
    max_output_tokens: integer({ minimum: 1 }),
    temperature: numberIn(0, 2),
    top_p: nullable({ type: 'number', exclusiveMinimum: 0, maximum: 1 }, 'a number'),
    stream: boolean(),
    store: boolean(),
    previous_response_id: string(),
    metadata: {
      type: ['object', 'null'],
      'x-expected': 'an object of strings',
      maxProperties: 16,
      additionalProperties: { type: 'string', maxLength: 512, 'x-expected': 'a string' },
    },
    text: {
      type: ['object', 'null'],
      'x-expected': 'an object',
      additionalProperties: false,
      properties: { format: textFormat },
    },
    tools: {
      type: ['array', 'null'],
      'x-expected': 'an array of tools',
      maxItems: 128,
      items: tool,
    },
    tool_choice: {
      'x-expected': '\'none\', \'auto\', \'required\' or {"type": "function", "name": ...}',
      anyOf: [
        { type: 'null' },
        { enum: ['none', 'auto', 'required'] },
        { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
      ],
    },
    parallel_tool_calls: boolean(),
    truncation: nullable({ type: 'string', enum: ['disabled', 'auto'] }, "'disabled' or 'auto'"),
    user: string(),
    include: {
      type: ['array', 'null'],
      'x-expected': 'an array of strings',
      items: { type: 'string', 'x-expected': 'a string' },
    },
  },
};
