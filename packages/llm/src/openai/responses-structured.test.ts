import { describe, expect, it } from 'vitest';
import { RequestError } from '../errors/llm-errors.js';
import type { ToolCallFormat } from '../tools/tool-types.js';
import { validateBody } from './body-validator.js';
import { refuseChatShapedTools, responsesStructuredOptions } from './responses-structured.js';

const weather = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 8 } },
  required: ['city'],
  additionalProperties: false,
};
const fn = (name: string, extra: object = {}) => ({ type: 'function', name, parameters: weather, ...extra });

function options(patch: Record<string, unknown>, format: ToolCallFormat | undefined = 'hermes') {
  const raw = { model: 'm', input: 'hi', ...patch };
  refuseChatShapedTools(raw);
  const body = validateBody('responses', raw);
  return responsesStructuredOptions(body, format);
}

function refusal(patch: Record<string, unknown>, format?: ToolCallFormat) {
  try {
    options(patch, ...(format ? [format] : []));
  } catch (error) {
    if (!(error instanceof RequestError)) throw error;
    return { param: error.param, code: error.code, message: error.message };
  }
  throw new Error(`accepted: ${JSON.stringify(patch)}`);
}

describe('Responses text.format, tools and tool_choice → the chat-completions constraint machinery', () => {
  it('text.format: text is free, json_object any object, json_schema its schema', () => {
    expect(options({ text: { format: { type: 'text' } } })).toEqual({
      constraint: undefined,
      tools: undefined,
    });
    expect(options({ text: { format: { type: 'json_object' } } }).constraint).toEqual({
      kind: 'json_object',
    });
    const format = { type: 'json_schema', name: 'w', schema: weather, strict: true, description: 'd' };
    expect(options({ text: { format } }).constraint).toEqual({ kind: 'json_schema', schema: weather });
  });

  it('function tools become the same ToolSetup as chat tools; choices map one to one', () => {
    const tools = [fn('get_weather', { description: 'Weather', strict: true }), fn('get_time')];
    const auto = options({ tools });
    expect(auto.tools).toEqual({
      tools: [
        { name: 'get_weather', description: 'Weather', parameters: weather },
        { name: 'get_time', parameters: weather },
      ],
      choice: 'auto',
      parallel: true,
      format: 'hermes',
    });
    expect(auto.constraint?.kind).toBe('structural_tag');
    expect(options({ tools, tool_choice: 'required', parallel_tool_calls: false }).tools).toMatchObject({
      choice: 'required',
      parallel: false,
    });
    expect(options({ tools, tool_choice: { type: 'function', name: 'get_time' } }).tools?.choice).toEqual({
      name: 'get_time',
    });
    expect(options({ tools, tool_choice: 'none' })).toMatchObject({ constraint: undefined });
    // Without tools, "auto" and "none" choose nothing (OpenAI accepts them).
    expect(options({ tool_choice: 'auto' })).toEqual({ constraint: undefined, tools: undefined });
    // A tool without parameters takes none.
    expect(options({ tools: [{ type: 'function', name: 'ping' }] }).tools?.tools).toEqual([
      { name: 'ping', parameters: { type: 'object', properties: {} } },
    ]);
  });

  it('refuses bad formats, tools and choices with the param at fault', () => {
    const cases: [Record<string, unknown>, string, string, RegExp][] = [
      [
        { text: { format: { type: 'json_schema', schema: weather } } },
        'text.format.name',
        'WEFT_ERR_REQUEST_MISSING_PARAMETER',
        /^Missing required parameter: 'text\.format\.name'/,
      ],
      [
        { text: { format: { type: 'json_schema', name: 'w' } } },
        'text.format.schema',
        'WEFT_ERR_REQUEST_MISSING_PARAMETER',
        /^Missing required parameter: 'text\.format\.schema'/,
      ],
      [
        { text: { format: { type: 'json_schema', name: 'a b', schema: weather } } },
        'text.format.name',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /^Invalid value for 'text\.format\.name': "a b" is not a name of letters, digits, underscores and dashes \(1 to 64 characters\)\.$/,
      ],
      [
        {
          text: {
            format: { type: 'json_schema', name: 'p', schema: { type: 'array', uniqueItems: true } },
          },
        },
        'text.format.schema',
        'WEFT_ERR_REQUEST_INVALID_SCHEMA',
        /^Invalid schema for text\.format 'p': unsupported keyword 'uniqueItems' at #;/,
      ],
      [
        { text: { format: { type: 'xml' } } },
        'text.format.type',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /supported values are: "text", "json_schema", "json_object"/,
      ],
      [
        { tools: [{ type: 'web_search' }] },
        'tools[0].type',
        'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
        /^Unsupported parameter: 'tools\[0\]\.type' "web_search" is not supported by Weft \(web search runs on OpenAI servers\)\.$/,
      ],
      [
        { tools: [fn('f'), { type: 'file_search', vector_store_ids: ['v'] }] },
        'tools[1].type',
        'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
        /"file_search" is not supported by Weft/,
      ],
      [
        { tools: [{ type: 'teleport' }] },
        'tools[0].type',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /^Invalid value for 'tools\[0\]\.type': "teleport"; the tool types Weft serves are: "function"\.$/,
      ],
      [
        { tools: [{ type: 'function', parameters: weather }] },
        'tools[0].name',
        'WEFT_ERR_REQUEST_MISSING_PARAMETER',
        /^Missing required parameter: 'tools\[0\]\.name'\.$/,
      ],
      [
        { tools: [{ type: 'function', function: { name: 'f' } }] },
        'tools[0].function',
        'WEFT_ERR_REQUEST_UNKNOWN_PARAMETER',
        /Responses function tools are flat: \{"type": "function", "name", "description", "parameters", "strict"\}/,
      ],
      [
        { tools: [fn('f', { parameters: { type: 'object', not: {} } })] },
        'tools[0].parameters',
        'WEFT_ERR_REQUEST_INVALID_SCHEMA',
        /^Invalid schema for function 'f': unsupported keyword 'not'/,
      ],
      [
        { tools: [fn('f'), fn('f')] },
        'tools[1].name',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /^Invalid value for 'tools\[1\]\.name': "f" is already the name of tools\[0\]; tool names must be unique\.$/,
      ],
      [
        { tools: [fn('f')], tool_choice: { type: 'function', name: 'g' } },
        'tool_choice',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /no tool named "g" in 'tools' \(declared: "f"\)/,
      ],
      [
        { tools: [fn('f')], tool_choice: { type: 'file_search' } },
        'tool_choice.type',
        'WEFT_ERR_REQUEST_UNSUPPORTED_PARAMETER',
        /"file_search" is not supported by Weft/,
      ],
      [
        { tools: [fn('f')], tool_choice: { type: 'function' } },
        'tool_choice.name',
        'WEFT_ERR_REQUEST_MISSING_PARAMETER',
        /^Missing required parameter: 'tool_choice\.name'/,
      ],
      [
        { tool_choice: 'required' },
        'tool_choice',
        'WEFT_ERR_REQUEST_INVALID_VALUE',
        /'tool_choice' is only allowed when 'tools' are specified/,
      ],
    ];
    for (const [patch, param, code, message] of cases) {
      const r = refusal(patch);
      expect(r.param, JSON.stringify(patch)).toBe(param);
      expect(r.code, JSON.stringify(patch)).toBe(code);
      expect(r.message, JSON.stringify(patch)).toMatch(message);
    }
  });

  it('tools on a model whose template shows no tool-call format: 400 on tools', () => {
    try {
      responsesStructuredOptions(
        validateBody('responses', { model: 'm', input: 'hi', tools: [fn('f')] }),
        undefined,
      );
      throw new Error('accepted');
    } catch (error) {
      expect((error as RequestError).param).toBe('tools');
    }
  });
});
