import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ConstraintSpec } from '../grammar/constraint-spec.js';
import {
  checkJsonSchema,
  DEFAULT_SCHEMA_LIMITS,
  SchemaError,
  type SchemaLimits,
} from '../grammar/schema-check.js';
import { toolConstraint } from '../tools/tool-grammar.js';
import type { ToolCallFormat, ToolChoice, ToolDef, ToolSetup } from '../tools/tool-types.js';
import type { ChatBody, CompletionsBody, ResponseFormat } from './request-types.js';

/** The output constraint and tools of a request (see docs/structured-outputs.md). */
export interface StructuredOptions {
  readonly constraint: ConstraintSpec | undefined;
  readonly tools: ToolSetup | undefined;
}

const NO_PARAMETERS = { type: 'object', properties: {} } as const;

function checked(schema: unknown, param: string, what: string, limits: SchemaLimits): void {
  try {
    checkJsonSchema(schema, limits);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    throw RequestError.invalid(
      param,
      `Invalid schema for ${what}: ${error.message}.`,
      L.REQUEST_INVALID_SCHEMA,
    );
  }
}

/** `response_format` → constraint. The schema is checked here so a bad one is a 400 before any work. */
export function responseFormatConstraint(
  format: ResponseFormat | null | undefined,
  param: string,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): ConstraintSpec | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { kind: 'json_object' };
  if (!format.json_schema) {
    throw RequestError.invalid(
      `${param}.json_schema`,
      `Missing required parameter: '${param}.json_schema' (required when type is "json_schema").`,
      L.REQUEST_MISSING_PARAMETER,
    );
  }
  const schema = format.json_schema.schema;
  if (schema === undefined) return { kind: 'json_object' };
  checked(schema, `${param}.json_schema.schema`, `response_format '${format.json_schema.name}'`, limits);
  return { kind: 'json_schema', schema };
}

/**
 * Tools and the constraint for /chat/completions. `format` is the model's tool-call format
 * (from its chat template or the graph's `tool_parser` option); undefined when it has none.
 */
export function chatStructuredOptions(
  body: ChatBody,
  format: ToolCallFormat | undefined,
  limits: SchemaLimits = DEFAULT_SCHEMA_LIMITS,
): StructuredOptions {
  const text = responseFormatConstraint(body.response_format, 'response_format', limits);
  const declared = body.tools ?? [];
  const choiceGiven = body.tool_choice !== undefined && body.tool_choice !== null;
  if (declared.length === 0) {
    if (choiceGiven) {
      throw RequestError.invalid(
        'tool_choice',
        `Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.`,
      );
    }
    return { constraint: text, tools: undefined };
  }
  if (!format) {
    throw RequestError.invalid(
      'tools',
      `Invalid value for 'tools': this model's chat template shows no tool-call format (hermes <tool_call>, Llama 3 JSON, Mistral [TOOL_CALLS]); set the graph option tool_parser to serve tools with it.`,
    );
  }
  const seen = new Map<string, number>();
  const tools: ToolDef[] = declared.map((t, i) => {
    const { name } = t.function;
    const first = seen.get(name);
    if (first !== undefined) {
      throw RequestError.invalid(
        `tools[${i}].function.name`,
        `Invalid value for 'tools[${i}].function.name': ${JSON.stringify(name)} is already the name of tools[${first}]; tool names must be unique.`,
      );
    }
    seen.set(name, i);
    const parameters = t.function.parameters ?? NO_PARAMETERS;
    checked(parameters, `tools[${i}].function.parameters`, `function '${name}'`, limits);
    return {
      name,
      parameters,
      ...(t.function.description !== undefined && { description: t.function.description }),
    };
  });
  let choice: ToolChoice = 'auto';
  const c = body.tool_choice;
  if (typeof c === 'string') choice = c;
  else if (c) {
    if (!seen.has(c.function.name)) {
      throw RequestError.invalid(
        'tool_choice',
        `Invalid value for 'tool_choice': no tool named ${JSON.stringify(c.function.name)} in 'tools' (declared: ${[...seen.keys()].map((n) => JSON.stringify(n)).join(', ')}).`,
      );
    }
    choice = { name: c.function.name };
  }
  const setup: ToolSetup = { tools, choice, parallel: body.parallel_tool_calls ?? true, format };
  return { constraint: toolConstraint(setup, text), tools: setup };
}

/** Sampling options that cannot hold under a grammar: refused by name rather than broken. */
export function checkConstraintConflicts(body: CompletionsBody | ChatBody, constrained: boolean): void {
  if (!constrained) return;
  const conflicts: [keyof ChatBody, boolean][] = [
    ['use_beam_search', body.use_beam_search === true],
    ['ignore_eos', body.ignore_eos === true],
    ['min_tokens', (body.min_tokens ?? 0) > 0],
  ];
  for (const [key, bad] of conflicts) {
    if (bad) {
      throw RequestError.invalid(
        key,
        `Invalid value for '${key}': cannot be combined with response_format or tools (the grammar decides when the output ends); drop one of them.`,
      );
    }
  }
}
