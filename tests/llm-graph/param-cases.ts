/**
 * Every request parameter: a valid value, a wrong type and an out-of-range value, with the exact
 * 400 each bad one gets. Shared by the validator's unit test and the graph test.
 */
export interface ParamCase {
  readonly endpoint: 'completions' | 'chat/completions';
  readonly name: string;
  readonly patch: Record<string, unknown>;
  /** undefined: valid. */
  readonly error?: { param: string | null; code: string; message: string };
  /** Checked by the server before any graph runs (`model`): the graph never sees the bad value. */
  readonly serverOnly?: true;
}

/**
 * The Weft code a graph reports for each OpenAI code of these cases; the server's edge maps it
 * back to the OpenAI code the client sees (`httpShapes` of `@weft/server`).
 */
export const weftCodeOf: Readonly<Record<string, string>> = {
  invalid_value: 'WEFT_ERR_REQUEST_INVALID_VALUE',
  invalid_type: 'WEFT_ERR_REQUEST_INVALID_TYPE',
  missing_required_parameter: 'WEFT_ERR_REQUEST_MISSING_PARAMETER',
  unknown_parameter: 'WEFT_ERR_REQUEST_UNKNOWN_PARAMETER',
  unsupported_parameter: 'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
  context_length_exceeded: 'WEFT_ERR_CONTEXT_LENGTH_EXCEEDED',
  invalid_json_schema: 'WEFT_ERR_REQUEST_INVALID_SCHEMA',
};

/** The error packet the graph emits for a case. */
export const errorPacketOf = (error: NonNullable<ParamCase['error']>) => ({
  kind: 'error',
  code: weftCodeOf[error.code],
  message: error.message,
  param: error.param,
});

const C = 'completions' as const;
const CH = 'chat/completions' as const;
export const completionsBase = { model: 'tiny-llama', prompt: 'Once upon a time', max_tokens: 2 };
export const chatBase = { model: 'tiny-llama', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 2 };

const typeErr = (param: string, expected: string, got: string) => ({
  param,
  code: 'invalid_type',
  message: `Invalid type for '${param}': expected ${expected}, but got ${got}.`,
});
const range = (param: string, value: string, rule: string) => ({
  param,
  code: 'invalid_value',
  message: `Invalid value for '${param}': ${value} ${rule}.`,
});

/** [field, valid, wrong type (value, expected words, described), out of range (value, rule)] */
type Row = [string, unknown, [unknown, string, string], [unknown, string] | undefined];
const shared: Row[] = [
  ['temperature', 0.7, ['hot', 'a number', 'a string ("hot")'], [2.5, 'is greater than the maximum of 2']],
  ['top_p', 0.9, [true, 'a number', 'a boolean (true)'], [0, 'must be greater than 0']],
  ['top_k', 5, [1.5, 'an integer', 'a number (1.5)'], [-2, 'is less than the minimum of -1']],
  ['min_p', 0.1, ['0.1', 'a number', 'a string ("0.1")'], [1.5, 'is greater than the maximum of 1']],
  ['n', 2, ['2', 'an integer', 'a string ("2")'], [0, 'is less than the minimum of 1']],
  ['best_of', 2, [[2], 'an integer', 'an array'], [17, 'is greater than the maximum of 16']],
  ['use_beam_search', false, ['yes', 'a boolean', 'a string ("yes")'], undefined],
  ['length_penalty', 0.5, ['long', 'a number', 'a string ("long")'], undefined],
  [
    'stop',
    ['\n', 'END'],
    [5, 'a string or an array of strings', 'a number (5)'],
    [Array.from({ length: 17 }, (_, i) => `s${i}`), ''],
  ],
  ['stream', false, ['true', 'a boolean', 'a string ("true")'], undefined],
  [
    'seed',
    1234,
    [1.25, 'an integer', 'a number (1.25)'],
    [2 ** 60, `is greater than the maximum of ${Number.MAX_SAFE_INTEGER}`],
  ],
  ['presence_penalty', 1, ['1', 'a number', 'a string ("1")'], [-2.5, 'is less than the minimum of -2']],
  ['frequency_penalty', -1, [{}, 'a number', 'an object'], [3, 'is greater than the maximum of 2']],
  ['repetition_penalty', 1.2, ['x', 'a number', 'a string ("x")'], [0, 'must be greater than 0']],
  [
    'logit_bias',
    { '5': 10 },
    [[1], 'an object mapping token ids to numbers', 'an array'],
    [{ '5': 101 }, 'is greater than the maximum of 100'],
  ],
  ['min_tokens', 1, ['1', 'an integer', 'a string ("1")'], [-1, 'is less than the minimum of 0']],
  ['ignore_eos', true, [1, 'a boolean', 'a number (1)'], undefined],
  ['include_stop_str_in_output', true, ['no', 'a boolean', 'a string ("no")'], undefined],
  ['skip_special_tokens', false, [0, 'a boolean', 'a number (0)'], undefined],
  ['user', 'alice', [7, 'a string', 'a number (7)'], undefined],
  ['max_tokens', 3, ['3', 'an integer', 'a string ("3")'], [0, 'is less than the minimum of 1']],
];

function rows(endpoint: typeof C | typeof CH, table: Row[]): ParamCase[] {
  const out: ParamCase[] = [];
  for (const [field, valid, [badType, expected, got], outOfRange] of table) {
    out.push({ endpoint, name: `${field} valid`, patch: { [field]: valid } });
    out.push({
      endpoint,
      name: `${field} wrong type`,
      patch: { [field]: badType },
      error: typeErr(field, expected, got),
    });
    if (outOfRange) {
      const [value, rule] = outOfRange;
      const param = field === 'logit_bias' ? 'logit_bias[5]' : field;
      const error =
        field === 'stop'
          ? {
              param,
              code: 'invalid_value',
              message: `Invalid value for 'stop': 17 items given, at most 16 allowed.`,
            }
          : range(param, JSON.stringify(field === 'logit_bias' ? 101 : value), rule);
      out.push({ endpoint, name: `${field} out of range`, patch: { [field]: value }, error });
    }
  }
  return out;
}

export const paramCases: ParamCase[] = [
  ...rows(C, shared),
  ...rows(CH, shared),
  ...rows(C, [
    [
      'prompt',
      [1, 2, 3],
      [42, 'a string, an array of strings, or an array of token ids', 'a number (42)'],
      undefined,
    ],
    ['logprobs', 2, [true, 'an integer', 'a boolean (true)'], [6, 'is greater than the maximum of 5']],
    ['echo', true, ['yes', 'a boolean', 'a string ("yes")'], undefined],
  ]),
  ...rows(CH, [
    ['logprobs', true, [1, 'a boolean', 'a number (1)'], undefined],
    ['max_completion_tokens', 3, [3.5, 'an integer', 'a number (3.5)'], [0, 'is less than the minimum of 1']],
    [
      'messages',
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      ['Hi', 'an array of messages', 'a string ("Hi")'],
      [[], ''],
    ],
  ]),
  { endpoint: CH, name: 'top_logprobs valid', patch: { logprobs: true, top_logprobs: 3 } },
  {
    endpoint: CH,
    name: 'top_logprobs wrong type',
    patch: { logprobs: true, top_logprobs: '3' },
    error: typeErr('top_logprobs', 'an integer', 'a string ("3")'),
  },
  {
    endpoint: CH,
    name: 'top_logprobs out of range',
    patch: { logprobs: true, top_logprobs: 21 },
    error: range('top_logprobs', '21', 'is greater than the maximum of 20'),
  },
  {
    endpoint: C,
    name: 'stream_options valid',
    patch: { stream: true, stream_options: { include_usage: true } },
  },
  {
    endpoint: C,
    name: 'stream_options wrong type',
    patch: { stream: true, stream_options: true },
    error: typeErr('stream_options', 'an object', 'a boolean (true)'),
  },
  {
    endpoint: C,
    name: 'stream_options.include_usage wrong type',
    patch: { stream: true, stream_options: { include_usage: 'y' } },
    error: typeErr('stream_options.include_usage', 'a boolean', 'a string ("y")'),
  },
  {
    endpoint: C,
    name: 'model wrong type',
    patch: { model: 5 },
    error: typeErr('model', 'a string', 'a number (5)'),
    serverOnly: true,
  },
];

// The empty-array rows above have their own messages.
for (const c of paramCases) {
  if (c.name === 'messages out of range') {
    Object.assign(c, {
      error: {
        param: 'messages',
        code: 'invalid_value',
        message: `Invalid value for 'messages': 0 items given, at least 1 required.`,
      },
    });
  }
}

/** Rules that involve several fields, unsupported and unknown fields. */
export const ruleCases: ParamCase[] = [
  {
    endpoint: C,
    name: 'empty prompt array',
    patch: { prompt: [] },
    error: {
      param: 'prompt',
      code: 'invalid_value',
      message: `Invalid value for 'prompt': 0 items given, at least 1 required.`,
    },
  },
  {
    endpoint: C,
    name: 'mixed prompt array',
    patch: { prompt: [1, 'a'] },
    error: {
      param: 'prompt',
      code: 'invalid_type',
      message: `Invalid type for 'prompt': expected a string, an array of strings, or an array of token ids, but got an array that is none of these.`,
    },
  },
  {
    endpoint: C,
    name: 'best_of < n',
    patch: { n: 3, best_of: 2 },
    error: {
      param: 'best_of',
      code: 'invalid_value',
      message: `Invalid value for 'best_of': 2 must be greater than or equal to n (3).`,
    },
  },
  {
    endpoint: C,
    name: 'stream with best_of > n',
    patch: { stream: true, best_of: 2 },
    error: {
      param: 'best_of',
      code: 'invalid_value',
      message: `Invalid value for 'best_of': 2 > n (1) cannot be streamed; set best_of to n or stream to false.`,
    },
  },
  {
    endpoint: C,
    name: 'stream_options without stream',
    patch: { stream_options: { include_usage: true } },
    error: {
      param: 'stream_options',
      code: 'invalid_value',
      message: `Invalid value for 'stream_options': only allowed when 'stream' is true.`,
    },
  },
  {
    endpoint: CH,
    name: 'top_logprobs without logprobs',
    patch: { top_logprobs: 2 },
    error: {
      param: 'top_logprobs',
      code: 'invalid_value',
      message: `Invalid value for 'top_logprobs': 2 requires 'logprobs' to be true.`,
    },
  },
  {
    endpoint: C,
    name: 'echo with logprobs',
    patch: { echo: true, logprobs: 1 },
    error: {
      param: 'echo',
      code: 'invalid_value',
      message: `Invalid value for 'echo': true cannot be combined with logprobs (prompt logprobs are not computed); drop one of them.`,
    },
  },
  {
    endpoint: C,
    name: 'min_tokens > max_tokens',
    patch: { min_tokens: 5, max_tokens: 2 },
    error: {
      param: 'min_tokens',
      code: 'invalid_value',
      message: `Invalid value for 'min_tokens': 5 is greater than max_tokens (2).`,
    },
  },
  {
    endpoint: C,
    name: 'beam search with top_p',
    patch: { use_beam_search: true, best_of: 2, top_p: 0.5 },
    error: {
      param: 'top_p',
      code: 'invalid_value',
      message: `Invalid value for 'top_p': 0.5 cannot be combined with use_beam_search (beam search ranks by log-probability); use 1 or leave it unset.`,
    },
  },
  {
    endpoint: CH,
    name: 'tool_choice without tools',
    patch: { tool_choice: 'auto' },
    error: {
      param: 'tool_choice',
      code: 'invalid_value',
      message: `Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.`,
    },
  },
  {
    endpoint: CH,
    name: 'tool_choice naming an unknown tool',
    patch: {
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    },
    error: {
      param: 'tool_choice',
      code: 'invalid_value',
      message: `Invalid value for 'tool_choice': no tool named "get_time" in 'tools' (declared: "get_weather").`,
    },
  },
  {
    endpoint: CH,
    name: 'duplicate tool names',
    patch: {
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    },
    error: {
      param: 'tools[1].function.name',
      code: 'invalid_value',
      message: `Invalid value for 'tools[1].function.name': "get_weather" is already the name of tools[0]; tool names must be unique.`,
    },
  },
  {
    endpoint: CH,
    name: 'tool parameters with an unsupported keyword',
    patch: {
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', not: {} } } }],
    },
    error: {
      param: 'tools[0].function.parameters',
      code: 'invalid_json_schema',
      message: `Invalid schema for function 'f': unsupported keyword 'not' at #; structured output enforces: type, properties, required, additionalProperties, items, prefixItems, minItems, maxItems, enum, const, anyOf, oneOf, $ref, $defs, definitions, minLength, maxLength, pattern, format, minimum, maximum, exclusiveMinimum, exclusiveMaximum.`,
    },
  },
  {
    endpoint: CH,
    name: 'response_format schema with an unsupported keyword',
    patch: {
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'person',
          schema: { type: 'object', properties: { tags: { type: 'array', uniqueItems: true } } },
        },
      },
    },
    error: {
      param: 'response_format.json_schema.schema',
      code: 'invalid_json_schema',
      message: `Invalid schema for response_format 'person': unsupported keyword 'uniqueItems' at #/properties/tags; structured output enforces: type, properties, required, additionalProperties, items, prefixItems, minItems, maxItems, enum, const, anyOf, oneOf, $ref, $defs, definitions, minLength, maxLength, pattern, format, minimum, maximum, exclusiveMinimum, exclusiveMaximum.`,
    },
  },
  {
    endpoint: C,
    name: 'response_format json_schema without json_schema',
    patch: { response_format: { type: 'json_schema' } },
    error: {
      param: 'response_format.json_schema',
      code: 'missing_required_parameter',
      message: `Missing required parameter: 'response_format.json_schema' (required when type is "json_schema").`,
    },
  },
  {
    endpoint: CH,
    name: 'response_format with ignore_eos',
    patch: { response_format: { type: 'json_object' }, ignore_eos: true },
    error: {
      param: 'ignore_eos',
      code: 'invalid_value',
      message: `Invalid value for 'ignore_eos': cannot be combined with response_format or tools (the grammar decides when the output ends); drop one of them.`,
    },
  },
  { endpoint: CH, name: 'response_format text', patch: { response_format: { type: 'text' } } },
  {
    endpoint: C,
    name: 'response_format json_object on completions',
    patch: { response_format: { type: 'json_object' } },
  },
  {
    endpoint: CH,
    name: 'tools with tool_choice none',
    patch: {
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'none',
    },
  },
  { endpoint: CH, name: 'tools: null is "not set"', patch: { tools: null } },
  {
    endpoint: C,
    name: 'unsupported suffix',
    patch: { suffix: 'x' },
    error: {
      param: 'suffix',
      code: 'unsupported_parameter',
      message: `Unsupported parameter: 'suffix' is not supported by this server (insertion (suffix) is not supported by Weft); remove it from the request.`,
    },
  },
  {
    endpoint: C,
    name: 'unknown field',
    patch: { temprature: 1 },
    error: {
      param: 'temprature',
      code: 'unknown_parameter',
      message: 'Unrecognized request argument supplied: temprature',
    },
  },
  {
    endpoint: CH,
    name: 'image part',
    patch: { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] },
    error: {
      param: 'messages[0].content[0].type',
      code: 'unsupported_parameter',
      message: `Unsupported content part: 'image_url' is not supported by this server (image input is not supported by Weft (text-only models)); send text parts only.`,
    },
  },
  {
    endpoint: CH,
    name: 'bad role',
    patch: { messages: [{ role: 'robot', content: 'x' }] },
    error: {
      param: 'messages[0].role',
      code: 'invalid_value',
      message: `Invalid value for 'messages[0].role': "robot"; supported values are: "system", "developer", "user", "assistant", "tool".`,
    },
  },
  {
    endpoint: CH,
    name: 'missing role',
    patch: { messages: [{ content: 'x' }] },
    error: {
      param: 'messages[0].role',
      code: 'missing_required_parameter',
      message: `Missing required parameter: 'messages[0].role'.`,
    },
  },
  {
    endpoint: C,
    name: 'logit_bias key not an id',
    patch: { logit_bias: { abc: 1 } },
    error: {
      param: 'logit_bias',
      code: 'invalid_value',
      message: `Invalid value for 'logit_bias': key "abc" is not a token id (expected a non-negative integer as a string, e.g. "50256").`,
    },
  },
];

export const bodyFor = (c: ParamCase): Record<string, unknown> => ({
  ...(c.endpoint === 'completions' ? completionsBase : chatBase),
  ...c.patch,
});

/** The cases the graph itself checks (every case but the server's own). */
export const graphCases = (): ParamCase[] => [...paramCases, ...ruleCases].filter((c) => !c.serverOnly);
