import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ConstraintSpec } from '../grammar/constraint-spec.js';
import { DEFAULT_SCHEMA_LIMITS, type SchemaLimits } from '../grammar/schema-check.js';
import type { ToolCallFormat, ToolChoice } from '../tools/tool-types.js';
import type { ResponsesBody, ResponsesTextFormat } from './responses-schema.js';
import { jsonSchemaConstraint, type StructuredOptions, structuredOptions } from './structured-params.js';

// OpenAI's hosted tools run on OpenAI's side; a local model has none of them.
const HOSTED_TOOLS: Readonly<Record<string, string>> = {
  file_search: 'file search needs OpenAI vector stores',
  web_search: 'web search runs on OpenAI servers',
  web_search_2025_08_26: 'web search runs on OpenAI servers',
  web_search_preview: 'web search runs on OpenAI servers',
  web_search_preview_2025_03_11: 'web search runs on OpenAI servers',
  computer: 'computer use is an OpenAI model feature',
  computer_use_preview: 'computer use is an OpenAI model feature',
  code_interpreter: 'the code interpreter runs on OpenAI servers',
  image_generation: 'image generation is an OpenAI model feature',
  mcp: 'remote MCP servers are called by OpenAI servers',
  local_shell: 'the shell tools are OpenAI model features',
  shell: 'the shell tools are OpenAI model features',
  apply_patch: 'apply_patch is an OpenAI model feature',
  custom: 'Weft constrains tool calls to JSON Schema; declare a function tool',
  namespace: 'Weft has no tool namespaces; declare function tools',
  tool_search: 'tool search runs on OpenAI servers',
  programmatic_tool_calling: 'programmatic tool calling runs on OpenAI servers',
};

const unsupported = (param: string, what: string, why: string) =>
  RequestError.invalid(
    param,
    `Unsupported parameter: '${param}' ${what} is not supported by Weft (${why}).`,
    L.REQUEST_UNSUPPORTED_PARAMETER,
  );

/**
 * Chat completions' nested tool shape (`{type, function: {name, ...}}`) sent to /responses, named
 * as such before schema validation would only say that `name` is missing.
 */
export function refuseChatShapedTools(body: Readonly<Record<string, unknown>>): void {
  if (!Array.isArray(body.tools)) return;
  body.tools.forEach((tool: unknown, i) => {
    if (typeof tool !== 'object' || tool === null || !('function' in tool) || 'name' in tool) return;
    throw RequestError.invalid(
      `tools[${i}].function`,
      `Unrecognized request argument supplied: tools[${i}].function (Responses function tools are flat: {"type": "function", "name", "description", "parameters", "strict"}; move the fields of 'function' up one level).`,
      L.REQUEST_UNKNOWN_PARAMETER,
    );
  });
}

/** `text.format` → the constraint of the text answer (the same schema checks as `response_format`). */
export function textFormatConstraint(
  format: ResponsesTextFormat | null | undefined,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): ConstraintSpec | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { kind: 'json_object' };
  for (const key of ['name', 'schema'] as const) {
    if (format[key] === undefined) {
      throw RequestError.invalid(
        `text.format.${key}`,
        `Missing required parameter: 'text.format.${key}' (required when type is "json_schema").`,
        L.REQUEST_MISSING_PARAMETER,
      );
    }
  }
  return jsonSchemaConstraint(format.schema, 'text.format.schema', `text.format '${format.name}'`, limits);
}

/**
 * Tools and the constraint of a Responses body: `text.format`, function `tools` (flat:
 * `{type: "function", name, description, parameters, strict}`) and `tool_choice` (`none`, `auto`,
 * `required`, `{type: "function", name}`) go through the same checks and grammar as chat
 * completions. Hosted tools and other tool choices are refused by name with their `param`.
 */
export function responsesStructuredOptions(
  body: ResponsesBody,
  format: ToolCallFormat | undefined,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): StructuredOptions {
  const declared = body.tools ?? [];
  declared.forEach((tool, i) => {
    if (tool.type === 'function') return;
    const why = HOSTED_TOOLS[tool.type];
    if (why) throw unsupported(`tools[${i}].type`, JSON.stringify(tool.type), why);
    throw RequestError.invalid(
      `tools[${i}].type`,
      `Invalid value for 'tools[${i}].type': ${JSON.stringify(tool.type)}; the tool types Weft serves are: "function".`,
    );
  });
  return structuredOptions(
    {
      text: textFormatConstraint(body.text?.format, limits),
      tools: declared.map((t, i) => ({ ...t, name: t.name!, at: `tools[${i}]` })),
      choice: toolChoice(body, declared.length > 0),
      parallel: body.parallel_tool_calls ?? true,
    },
    format,
    limits,
  );
}

// OpenAI accepts "auto" and "none" without tools on /responses (nothing to choose from either way).
function toolChoice(body: ResponsesBody, hasTools: boolean): ToolChoice | undefined {
  const c = body.tool_choice;
  if (c === null || c === undefined) return undefined;
  if (typeof c === 'string') return !hasTools && c !== 'required' ? undefined : c;
  if (c.type !== 'function') {
    throw unsupported(
      'tool_choice.type',
      JSON.stringify(c.type),
      `only "none", "auto", "required" and {"type": "function", "name": ...} choose among function tools`,
    );
  }
  if (typeof c.name !== 'string') {
    throw RequestError.invalid(
      'tool_choice.name',
      `Missing required parameter: 'tool_choice.name' (the function to call).`,
      L.REQUEST_MISSING_PARAMETER,
    );
  }
  return { name: c.name };
}
